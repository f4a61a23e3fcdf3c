-- wrk script of scripts/bench-book.sh: every request uses the next unused id of
-- BENCH_IDS_FILE (one a line) in the body template BENCH_BODY_FILE, where the id replaces
-- BENCH_ID. Thread i of BENCH_THREADS (counted from BENCH_TID_BASE) takes ids BENCH_OFFSET+i, BENCH_OFFSET+i+T, ...; a
-- request with no id left sends the nil UUID and counts in out_of_ids. Writes
-- BENCH_MAX_ISSUED (most requests one thread sent) so the caller can move its offset past
-- every id the run used. Answers are checked by graphql-check.lua.
-- A template with BENCH_F1, BENCH_F2, ... instead of BENCH_ID takes tab-separated lines:
-- field k replaces BENCH_Fk, or "BENCH_Nk" with its quotes (a number) (bench-book.sh's
-- spread runs: quote id, place, window).
bench_counters = {"out_of_ids"}
dofile(os.getenv("BENCH_LUA_DIR") .. "/graphql-check.lua")

function bench_init()
  issued = 0
  local body = bench_slurp(os.getenv("BENCH_BODY_FILE"))
  template = body
  fields = body:find("BENCH_F1", 1, true) ~= nil
  if not fields then
    local at = assert(body:find("BENCH_ID", 1, true), "no BENCH_ID in the body template")
    prefix, suffix = body:sub(1, at - 1), body:sub(at + #"BENCH_ID")
  end
  local offset, nthreads = tonumber(os.getenv("BENCH_OFFSET")), tonumber(os.getenv("BENCH_THREADS"))
  -- Two wrk processes share one id list: the second numbers its threads from BENCH_TID_BASE.
  tid = tid + (tonumber(os.getenv("BENCH_TID_BASE") or "0") or 0)
  ids = {}
  local k = 0
  for line in io.lines(os.getenv("BENCH_IDS_FILE")) do
    if k >= offset and (k - offset) % nthreads == tid then ids[#ids + 1] = line end
    k = k + 1
  end
end

function request()
  issued = issued + 1
  local id = ids[issued]
  if id == nil then
    out_of_ids = out_of_ids + 1
    id = "00000000-0000-0000-0000-000000000000" -- answered NOT_FOUND: the run is invalid
  end
  if not fields then
    return wrk.format(nil, nil, nil, prefix .. id .. suffix)
  end
  local f = {}
  for v in (id .. "\t"):gmatch("([^\t]*)\t") do f[#f + 1] = v end
  -- "BENCH_Nk" (quoted, so the template is JSON) becomes the bare field: a number.
  local filled = template:gsub('"BENCH_N(%d+)"', function(n) return f[tonumber(n)] or "0" end)
  filled = filled:gsub("BENCH_F(%d+)", function(n) return f[tonumber(n)] or f[1] end)
  return wrk.format(nil, nil, nil, filled)
end

function bench_done(threads)
  local most = 0
  for _, t in ipairs(threads) do
    if t:get("issued") > most then most = t:get("issued") end
  end
  io.write(string.format("BENCH_MAX_ISSUED %d\n", most))
end
