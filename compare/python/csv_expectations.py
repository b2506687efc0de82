"""The dtypes and values pandas' read_csv gives for the small CSV texts that
src/ingest/csv/reader.rs tests against (run with compare/.venv/bin/python; its output is written as
literals in the tests)."""

import io, json, math
import pandas as pd
cases = {
 "mixed": ("a,grade,price\n1,1,100\n2,2,210\n3,A,290\n", {}),
 "na": ("x,y,z\n1,NA,\n2,n/a,True\nnull,3.5,False\n", {}),
 "bools": ("f,g\nTrue,false\nFALSE,TRUE\n", {}),
 "semicolon": ("a;b\n1,5;7\n2,5;8\n", {"sep": ";"}),
 "tab": ("a\tb\n1\t2.5\n", {"sep": "\t"}),
 "quoted": ('name,note\n"Smith, J","He said ""hi""\nthen left"\nDoe,plain\n', {}),
 "ws": ("a  b   c\n1   2 x\n3 4    y\n", {"sep": r"\s+"}),
 "spaces": ("a,b,c\n 1 , x ,2.5 \n3,y,4\n", {}),
 "allna": ("a,b\n,1\nNA,2\n", {}),
 "floats": ("a\n1e3\n-2.5\n.5\n", {}),
 "inf": ("a\ninf\n-Infinity\n1\n", {}),
}
out = {}
for name, (text, kw) in cases.items():
    df = pd.read_csv(io.StringIO(text), **kw)
    cols = {}
    for c in df.columns:
        s = df[c]
        vals = []
        for v in s.tolist():
            if v is None or (isinstance(v, float) and math.isnan(v)):
                vals.append(None)
            elif isinstance(v, float) and math.isinf(v):
                vals.append(str(v))
            else:
                vals.append(v)
        cols[c] = {"dtype": str(s.dtype), "values": vals}
    out[name] = cols
print(json.dumps(out, indent=1, default=str))
