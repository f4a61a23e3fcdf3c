-- wrk script of scripts/bench.sh: POSTs the same JSON body, read from BENCH_BODY_FILE, every
-- time; answers are checked by graphql-check.lua (found through BENCH_LUA_DIR).
dofile(os.getenv("BENCH_LUA_DIR") .. "/graphql-check.lua")
wrk.body = bench_slurp(os.getenv("BENCH_BODY_FILE"))
