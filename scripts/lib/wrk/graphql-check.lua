-- Shared part of the bench wrk scripts (loaded by them with dofile): POSTs JSON to the
-- GraphQL endpoint, with the extra header BENCH_HEADER ("Name: value") when set, and counts
-- the answers that are not 200 or carry "errors". At the end it writes
--   BENCH_CHECK good=N bad_status=N with_errors=N socket_errors=N [COUNTER=N ...]
--   BENCH_SAMPLE HTTP <status>: <first bad answer>          (only when there was one)
-- which scripts/lib/bench.sh (bench_wrk) reads. A script that loads it may set, before
-- dofile: bench_counters = {"name", ...} (per-thread globals set to 0 in init and summed into
-- BENCH_CHECK, any non-zero one makes the run invalid), and define bench_init() (per-thread
-- set-up, after the counters) and bench_done(threads) (extra lines, before BENCH_SAMPLE).
-- Each thread knows its number as the global `tid` (0, 1, ...).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local extra = os.getenv("BENCH_HEADER")
if extra and extra ~= "" then
  local name, value = extra:match("^([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end
bench_counters = bench_counters or {}

-- Reads a whole file (a request body).
function bench_slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local threads = {}
local next_tid = 0
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

function init(args)
  good, bad_status, with_errors, sample = 0, 0, 0, ""
  for _, name in ipairs(bench_counters) do _G[name] = 0 end
  if bench_init then bench_init() end
end

function response(status, headers, body)
  if status ~= 200 then
    bad_status = bad_status + 1
  elseif body:find('"errors"', 1, true) then
    with_errors = with_errors + 1
  else
    good = good + 1
    return
  end
  if sample == "" then
    sample = "HTTP " .. status .. ": " .. body:sub(1, 300):gsub("%s+", " ")
  end
end

function done(summary, latency, requests)
  local g, b, e, s = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    g = g + t:get("good")
    b = b + t:get("bad_status")
    e = e + t:get("with_errors")
    if s == "" then s = t:get("sample") end
  end
  local se = summary.errors
  local line = string.format("BENCH_CHECK good=%d bad_status=%d with_errors=%d socket_errors=%d",
    g, b, e, se.connect + se.read + se.write + se.timeout)
  for _, name in ipairs(bench_counters) do
    local n = 0
    for _, t in ipairs(threads) do n = n + t:get(name) end
    line = line .. string.format(" %s=%d", name, n)
  end
  io.write(line .. "\n")
  if bench_done then bench_done(threads) end
  if s ~= "" then io.write("BENCH_SAMPLE " .. s .. "\n") end
end
