#!/bin/sh
# Sums V8's `--trace-gc-nvp` scavenge figures per scenario, from a log taken under `stdbuf -oL` (so
# V8's lines and ours interleave in order) of bench/promoted.ts (its `== name` lines open a
# scenario) or of `BENCH_SECTIONS=risk` bench/run.ts (a scenario's line closes it: `… N req/s …`,
# 1 s in the warm-up, BENCH_ROUND_SECONDS (3) in a round). Prints scavenges, MB promoted and, for
# run.ts, MB per 10,000 requests answered (the bench's own objects count too: the floors, which run
# none of the app, show that share); then the mark-compacts after the warm-up began (serving).
# V8 lines are counted for the first process that printed one (the server: the load runs in children).
awk -v round_s="${BENCH_ROUND_SECONDS:-3}" '
  function flush(name, req) { if (!(name in seen)) { seen[name]=1; order[++n]=name }; c[name]+=cs; p[name]+=ps; r[name]+=req; cs=0; ps=0 }
  # V8 lines of this process only (the load generator children trace too): the first to print.
  /^\[[0-9]+:/ { split(substr($0, 2), id, ":"); if (main == "") main = id[1]; if (id[1] != main) next }
  /^== /{ if (cur != "") flush(cur, 0); cur=substr($0,4); next }
  /^warm-up/{ serving=1; secs=1 }
  /^round [0-9]+ of/{ secs=round_s }
  / gc=s /{ for(i=1;i<=NF;i++){ split($i,kv,"="); if(kv[1]=="promoted") ps+=kv[2] }; cs++; next }
  / gc=mc /{ if (serving) { mc++; for(i=1;i<=NF;i++){ split($i,kv,"="); if(kv[1]=="pause") pauses = pauses " " kv[2] } }; next }
  serving && / req\/s / && !/^\|/ { name=$0; sub(/ +[0-9]+ req\/s.*/, "", name); match($0, /[0-9]+ req\/s/); rps=substr($0, RSTART, RLENGTH)+0; flush(name, rps*secs) }
  END {
    if (cur != "") flush(cur, 0);
    for (i=1;i<=n;i++) { x=order[i]; printf "%-44s scavenges %4d  promoted %7.2f MB", x, c[x], p[x]/1048576; if (r[x]>0) printf "  %6.2f MB/10k req (%d req)", p[x]/1048576*10000/r[x], r[x]; printf "\n" }
    for (i=1;i<=n;i++) { tot+=p[order[i]]; if (order[i] ~ /^floor/) fl+=p[order[i]] }
    printf "promoted in all: %.1f MB (the floors: %.1f MB)\n", tot/1048576, fl/1048576
    printf "mark-compacts while serving: %d (pauses, ms:%s)\n", mc, pauses
  }' "$@"
