"""The peer for bench/catalogue-search: the same documents and queries in tantivy.

Reads docs.jsonl and queries.jsonl written by the store's catalogue_search example, indexes the
documents in memory, runs each query (all terms must match, in title or summary, the last as a
prefix where tantivy's parser allows; with the same kind, duration and level filters; top 20 and
the count), and prints p50 and p95 in milliseconds.
"""

import json
import sys
import time

import tantivy


def main(directory: str) -> None:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("summary", stored=False, tokenizer_name="en_stem")
    builder.add_text_field("kind", stored=False, tokenizer_name="raw")
    builder.add_text_field("levels", stored=False, tokenizer_name="raw")
    builder.add_unsigned_field("minutes", stored=False, indexed=True, fast=True)
    schema = builder.build()
    index = tantivy.Index(schema)
    writer = index.writer(heap_size=50_000_000, num_threads=1)
    with open(f"{directory}/docs.jsonl", encoding="utf-8") as docs:
        for line in docs:
            d = json.loads(line)
            doc = tantivy.Document(title=d["title"], summary=d["summary"], kind=d["kind"])
            for level in d["levels"]:
                doc.add_text("levels", level)
            doc.add_unsigned("minutes", d["minutes"])
            writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    with open(f"{directory}/queries.jsonl", encoding="utf-8") as qf:
        queries = [json.loads(line) for line in qf]

    def build(q):
        text = " AND ".join(q["terms"])
        parts = [(tantivy.Occur.Must, index.parse_query(text, ["title", "summary"], field_boosts={"title": 10.0}))]
        if q["kind"]:
            parts.append((tantivy.Occur.Must, tantivy.Query.term_query(schema, "kind", q["kind"])))
        if q["level"]:
            parts.append((tantivy.Occur.Must, tantivy.Query.term_query(schema, "levels", q["level"])))
        if q["max_minutes"] is not None:
            parts.append((tantivy.Occur.Must, tantivy.Query.range_query(schema, "minutes", tantivy.FieldType.Unsigned, 0, q["max_minutes"])))
        return tantivy.Query.boolean_query(parts)

    times = []
    for _ in range(2):  # the first pass warms, the second is measured
        times = []
        for q in queries:
            started = time.perf_counter()
            result = searcher.search(build(q), 20, count=True)
            _ = [searcher.doc(addr) for _, addr in result.hits]
            times.append((time.perf_counter() - started) * 1000.0)
    times.sort()

    def pct(p):
        return times[min(len(times) - 1, round((len(times) - 1) * p))]

    print(f"peer tantivy p50={pct(0.5):.3f} p95={pct(0.95):.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
