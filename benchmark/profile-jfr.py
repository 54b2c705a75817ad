#!/usr/bin/env python3
"""Sums up a JFR recording (jdk.ExecutionSample): top frames, share of samples by library (inclusive and innermost),
and this project's frames. Usage: benchmark/profile-jfr.py FILE.jfr"""
import sys, re, collections, subprocess
f=sys.argv[1]
out=subprocess.run(['jfr','print','--events','jdk.ExecutionSample','--stack-depth','96',f],capture_output=True,text=True).stdout
samples=[]; cur=None
for line in out.splitlines():
    s=line.strip()
    if s.startswith('jdk.ExecutionSample'): cur=[]; samples.append(cur)
    elif cur is not None and re.match(r'^[\w$.<>/]+\(.*\)\s+line:',s) or (cur is not None and s.endswith('...')==False and re.match(r'^[a-zA-Z_$][\w$.]*\.[\w$<>]+\(',s)):
        cur.append(s.split('(')[0])
n=len(samples); print('samples',n)
top=collections.Counter(st[0] for st in samples if st)
print('--- top frames'); [print('%5.1f%% %s'%(c*100/n,k)) for k,c in top.most_common(25)]
def cat(st):
    cats=[]
    for fr in st:
        for key,name in [('sun.security.ssl','jdk-tls'),('com.sun.crypto','jdk-crypto'),('io.netty.internal.tcnative','openssl'),('io.netty.handler.ssl','netty-ssl'),('io.netty.handler.codec.http2','http2'),('io.grpc','grpc'),('io.netty','netty'),('org.postgresql','pgjdbc'),('io.agroal','agroal'),('com.arjuna','narayana'),('io.quarkus.narayana','narayana'),('io.smallrye.mutiny','mutiny'),('io.micrometer','micrometer'),('io.vertx','vertx'),('com.google.protobuf','protobuf'),('dev.mailplatform','ours'),('io.minio','minio'),('okhttp3','okhttp'),('org.hibernate','hibernate'),('java.util.concurrent','juc'),('jdk.internal.misc.Unsafe','unsafe')]:
            if fr.startswith(key): cats.append(name)
    return cats
incl=collections.Counter()
for st in samples:
    for c in set(cat(st)): incl[c]+=1
print('--- inclusive by library'); [print('%5.1f%% %s'%(c*100/n,k)) for k,c in incl.most_common()]
# innermost library
inn=collections.Counter()
for st in samples:
    c=cat(st); inn[c[0] if c else ('jdk:'+st[0].rsplit('.',2)[0] if st else '?')]+=1
print('--- innermost library'); [print('%5.1f%% %s'%(c*100/n,k)) for k,c in inn.most_common(20)]
# our methods inclusive
ours=collections.Counter()
for st in samples:
    for fr in set(st):
        if fr.startswith('dev.mailplatform'): ours[fr]+=1
print('--- our frames inclusive'); [print('%5.1f%% %s'%(c*100/n,k)) for k,c in ours.most_common(30)]
