"""Summarises bench/shops/plans-*.txt: one line per statement with its scans, and a verdict.

Bad: a full scan of shops, shop_items, goods, goods_skus or tier_history (PostgreSQL "Seq Scan",
SQLite "SCAN t" without an index), a sort SQLite needs a temporary B-tree for, or a cast on
shop_no (a type mismatch in the comparison). A Seq Scan of suppliers is reported, not counted:
the table is 100 rows on one page here, where PostgreSQL prefers reading the page.
"""
import re
import sys

BIG = ("shops", "shop_items", "goods", "goods_skus", "tier_history")
text = open(sys.argv[1]).read()
sections = re.split(r"^(?:-- )?== (.*)$", text, flags=re.M)
bad, lines = [], []
for title, body in zip(sections[1::2], sections[2::2]):
    scans = []
    for m in re.finditer(r"(Seq Scan on (?:public\.)?(\w+)|Index (?:Only )?Scan(?: Backward)? using (\w+) on (?:public\.)?(\w+)"
                         r"|\b(SEARCH|SCAN) (\w+)(?: USING (?:COVERING )?(INDEX \w+|INTEGER PRIMARY KEY))?|USE TEMP B-TREE FOR [\w ]+)", body):
        whole = m.group(0)
        if m.group(2):
            table = m.group(2)
            scans.append(f"Seq Scan {table}")
            if table in BIG:
                bad.append(f"{title}: {whole}")
        elif m.group(3):
            scans.append(f"{m.group(4)} by {m.group(3)}")
        elif m.group(5):
            how = m.group(7) or "full scan"
            scans.append(f"{m.group(6)} {m.group(5).lower()} {how.replace('INDEX ', '')}")
            if m.group(5) == "SCAN" and not m.group(7) and m.group(6) in BIG:
                bad.append(f"{title}: {whole}")
        else:
            scans.append(whole)
            bad.append(f"{title}: {whole}")
    for cond in re.findall(r"(?:Index Cond|Filter): \((.*shop_no.*)\)", body):
        scans.append(f"shop_no condition `{cond}`")
    if re.search(r"shop_no\)?::|::bpchar|::character", body):
        bad.append(f"{title}: cast in a shop_no comparison")
    lines.append(f"- {title}: " + "; ".join(dict.fromkeys(scans)))
print("\n".join(lines))
print("- verdict: " + ("NOT OK: " + " | ".join(bad) if bad else "ok (index scans only, no sort, no cast on shop_no)"))
