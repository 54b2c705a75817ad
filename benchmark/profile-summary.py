#!/usr/bin/env python3
"""Sums up a benchmark/profile.sh run: CPU ms per IMAP command per process tree, SQL statements and transactions
per command (pg_stat_statements), store gRPC calls per IMAP session (the store's grpc_server meters)."""
import re
import sys

out = sys.argv[1]


def commands():
    for line in open(out + '/measure.txt'):
        if line.startswith('total'):
            return int(line.split()[1])
    raise SystemExit('no total in measure.txt')


def cpu_by_process():
    before = {}
    for line in open(out + '/cpu-before.txt'):
        f = line.split()
        if len(f) >= 2 and f[1].isdigit():
            before[f[0]] = int(f[1])
    sums = {}
    for line in open(out + '/cpu-after.txt'):
        f = line.split()
        if len(f) >= 2 and f[1].isdigit() and f[0] in before:
            name = f[2] if len(f) > 2 else '?'
            name = {'local-platform.jar': 'launcher+s3proxy'}.get(name, name.split('/')[0])
            sums[name] = sums.get(name, 0) + (int(f[1]) - before[f[0]]) / 100.0
    return sums


def grpc_calls():
    def load(path):
        d = {}
        for line in open(path):
            m = re.match(r'grpc_server_processing_duration_seconds_count\{method="(\w+)".*\} ([0-9.E]+)', line)
            if m:
                d[m.group(1)] = d.get(m.group(1), 0) + float(m.group(2))
        return d
    b, a = load(out + '/store-metrics-before.txt'), load(out + '/store-metrics-after.txt')
    return {k: v - b.get(k, 0) for k, v in a.items() if v - b.get(k, 0) > 0}


n = commands()
cpu = cpu_by_process()
total = sum(cpu.values())
print('IMAP commands: %d; server CPU %.1f s; %.3f ms per command; %.0f commands per server CPU-second'
      % (n, total, total * 1000 / n, n / total if total else 0))
for name, s in sorted(cpu.items(), key=lambda kv: -kv[1]):
    if s > 0.05:
        print('  %-20s %.3f ms per command' % (name, s * 1000 / n))
stmts = begins = 0
for line in open(out + '/statements.txt'):
    f = line.split('|')
    if len(f) >= 4 and f[0].isdigit():
        stmts += int(f[0])
        if f[3].strip() == 'BEGIN':
            begins += int(f[0])
print('SQL: %.2f statements and %.2f transactions (BEGIN) per command' % (stmts / n, begins / n))
calls = grpc_calls()
sessions = calls.get('Expunge', 0)  # the workload expunges once per session
if sessions:
    print('store calls per IMAP session: %.2f (%s)' % (sum(calls.values()) / sessions,
          ', '.join('%s %.2f' % (k, v / sessions) for k, v in sorted(calls.items()))))
