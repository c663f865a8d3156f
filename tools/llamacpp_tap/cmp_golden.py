# cmp.py GOLDEN.json LOGITS.bin [nv] : max |d logprob| over golden top-20 per position (prompt positions then greedy steps)
import json, struct, sys, math
g = json.load(open(sys.argv[1])); nv = int(sys.argv[3]) if len(sys.argv) > 3 else 512
data = open(sys.argv[2], 'rb').read(); n = len(data) // (4 * nv)
rows = [struct.unpack_from('%df' % nv, data, 4 * nv * i) for i in range(n)]
def lsm(r):
    m = max(r); s = sum(math.exp(x - m) for x in r); return [x - m - math.log(s) for x in r]
refs = [p['top'] for p in g['prompt_positions']] + [s['top'] for s in g['greedy']['steps'][1:]]
out = []
for i in range(min(n, len(refs))):
    lp = lsm(rows[i]); d = max(abs(lp[t] - v) for t, v in refs[i]); out.append(d)
print(' '.join('%d:%.1e' % (i, d) for i, d in enumerate(out)))
