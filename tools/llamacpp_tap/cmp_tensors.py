# tcmp.py OURDIR REFDIR [steps]: bitwise comparison of tapped tensors per step
import struct, sys, os, math
od, rd = sys.argv[1], sys.argv[2]
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 99
M = [('attn_norm','attn_norm',0),('Qmm','Qcur',0),('Kmm','Kcur',0),('Vmm','Vcur',0),('Qb','Qcur',1),('Kb','Kcur',1),('Vb','Vcur',1),
     ('Qr','Qcur',3),('Kr','Kcur',3),('kqv_out','kqv_out',0),('ffn_inp','ffn_inp',0),('ffn_norm','ffn_norm',0),('ffn_gate','ffn_gate',0),
     ('ffn_up','ffn_up',0),('ffn_swiglu','ffn_swiglu',0),('ffn_out','ffn_out',0),('l_out','l_out',0)]
def rd_ref(p):
    b = open(p,'rb').read(); t, *ne = struct.unpack_from('5i', b)
    n = len(b[20:]) // (4 if t == 0 else 2)
    if t == 0: return list(struct.unpack_from('%df' % n, b, 20))
    return list(struct.unpack_from('%de' % n, b, 20))
def rd_our(p):
    b = open(p,'rb').read(); return list(struct.unpack('%df' % (len(b)//4), b))
for s in range(steps):
    if not os.path.exists(f'{od}/s{s}_attn_norm-0.bin'): break
    line = []
    for il in range(8):
        if not os.path.exists(f'{od}/s{s}_attn_norm-{il}.bin'): break
        for o, r, c in M:
            po = f'{od}/s{s}_{o}-{il}.bin'; pr = f'{rd}/s{s}_{r}-{il}_{c}.bin'
            if not os.path.exists(pr) or not os.path.exists(po): continue
            a = rd_our(po); b = rd_ref(pr)
            if len(a) != len(b): line.append(f'{o}{il}:len {len(a)}/{len(b)}'); continue
            nd = sum(1 for x, y in zip(a, b) if x != y)
            if nd: 
                md = max(abs(x-y) for x, y in zip(a, b))
                first = next(i for i,(x,y) in enumerate(zip(a,b)) if x != y)
                line.append(f'{o}{il}:{nd}/{len(a)} max {md:.1e} first@{first}')
    print(f'step {s}:', '; '.join(line) if line else 'all identical')
