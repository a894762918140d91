// Parses TraceQL and LogQL queries with Grafana's own Lezer grammars. Reads a JSON array of
// {"language": "traceql"|"logql", "query": "..."} on stdin; prints a JSON array of the queries that do
// not parse, each with the offset of its first error node (Lezer marks errors with ⚠ nodes).

import { parser as logql } from "@grafana/lezer-logql";
import { parser as traceql } from "@grafana/lezer-traceql";

const parsers = { traceql, logql };
let input = "";
for await (const chunk of process.stdin) input += chunk;
const failures = [];
for (const { language, query } of JSON.parse(input)) {
  let error = null;
  parsers[language].parse(query).iterate({
    enter(node) {
      if (error === null && node.type.isError) error = node.from;
    },
  });
  if (error !== null) failures.push({ language, query, at: error });
}
console.log(JSON.stringify(failures));
