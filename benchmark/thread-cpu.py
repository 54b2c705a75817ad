#!/usr/bin/env python3
"""CPU by process and thread name over the process trees of given root PIDs (Linux /proc), to see where a phase's
CPU went (JIT compiler threads, GC, Argon2id's pool, event loops, PostgreSQL):
    benchmark/thread-cpu.py snapshot ROOT_PID... > before.json   # e.g. the launcher and the postmaster
    ... run the load ...
    benchmark/thread-cpu.py snapshot ROOT_PID... > after.json
    benchmark/thread-cpu.py diff before.json after.json
Thread names are HotSpot's (15 bytes: "C2 CompilerThre"), digits folded to N; a service is named by its jar's module
directory. Threads that end between the snapshots are not counted (children a parent reaped are, as "<reaped>")."""
import json, os, re, sys


def children(pid):
    out = []
    for t in os.listdir(f'/proc/{pid}/task'):
        try:
            out += open(f'/proc/{pid}/task/{t}/children').read().split()
        except OSError:
            pass
    return out


def snapshot(roots):
    seen, todo, res = [], list(roots), {}
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.append(p)
        try:
            todo += children(p)
            cmd = open(f'/proc/{p}/cmdline').read().replace('\0', ' ')
        except OSError:
            continue
        m = re.search(r'([a-z0-9-]+)/target/quarkus-app|postgres|local-platform.jar', cmd)
        name = (m.group(1) or m.group(0)) if m else cmd[:30]
        for t in os.listdir(f'/proc/{p}/task'):
            try:
                s = open(f'/proc/{p}/task/{t}/stat').read()
            except OSError:
                continue
            comm = re.sub(r'\d+', 'N', s[s.index('(') + 1:s.rindex(')')])
            f = s[s.rindex(')') + 2:].split()
            key = name + '|' + comm
            res[key] = res.get(key, 0) + int(f[11]) + int(f[12])
        s = open(f'/proc/{p}/stat').read()
        f = s[s.rindex(')') + 2:].split()
        res[name + '|<reaped>'] = res.get(name + '|<reaped>', 0) + int(f[13]) + int(f[14])
    return res


def diff(a, b):
    tick = os.sysconf('SC_CLK_TCK')
    d = {k: b.get(k, 0) - a.get(k, 0) for k in set(a) | set(b)}
    d = {k: v for k, v in d.items() if v > 0}
    print('total CPU seconds %.2f' % (sum(d.values()) / tick))
    procs = {}
    for k, v in d.items():
        procs[k.split('|')[0]] = procs.get(k.split('|')[0], 0) + v
    for k, v in sorted(procs.items(), key=lambda x: -x[1]):
        print('  %-30s %7.2f' % (k, v / tick))
    for k, v in sorted(d.items(), key=lambda x: -x[1])[:30]:
        print('%-60s %7.2f' % (k, v / tick))


if __name__ == '__main__':
    if len(sys.argv) >= 3 and sys.argv[1] == 'snapshot':
        print(json.dumps(snapshot(sys.argv[2:])))
    elif len(sys.argv) == 4 and sys.argv[1] == 'diff':
        diff(json.load(open(sys.argv[2])), json.load(open(sys.argv[3])))
    else:
        sys.exit(__doc__)
