-- wrk script of bench/bench_flood.py: one pre-signed LINE text callback per request, never the same one twice.
-- Arguments (after --): the bodies file and the number of wrk threads. Line k (0-based) of the file is
-- "<X-Line-Signature>\t<JSON body>"; thread i sends lines i, i+T, i+2T, ... When its share runs out it stops
-- and sends only a request the bot answers 404 (so wrk counts it as an error, not as an accepted event);
-- done() prints how many lines each thread took and whether it ran out, for the benchmark to check.
-- Note: wrk calls request() once on thread 0 before the run to look at the request; that line is taken, never sent.

local threads, next_id = {}, 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local path, nthreads = args[1], tonumber(args[2])
  sigs, bodies, taken, exhausted = {}, {}, 0, 0
  local k = 0
  for line in io.lines(path) do
    if k % nthreads == id then
      local tab = line:find("\t", 1, true)
      sigs[#sigs + 1] = line:sub(1, tab - 1)
      bodies[#bodies + 1] = line:sub(tab + 1)
    end
    k = k + 1
  end
end

function request()
  if taken >= #bodies then
    exhausted = 1
    wrk.thread:stop()
    return wrk.format("GET", "/_flood_bodies_exhausted")
  end
  taken = taken + 1
  return wrk.format("POST", "/callback", {
    ["Content-Type"] = "application/json; charset=utf-8",
    ["X-Line-Signature"] = sigs[taken],
    ["User-Agent"] = "LineBotWebhook/2.0",
  }, bodies[taken])
end

function done(summary, latency, requests)
  local parts = {}
  for _, t in ipairs(threads) do
    parts[#parts + 1] = string.format('{"id":%d,"taken":%d,"exhausted":%d}',
      t:get("id"), t:get("taken"), t:get("exhausted"))
  end
  local e = summary.errors
  io.write(string.format(
    'FLOOD-RESULT {"threads":[%s],"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    table.concat(parts, ","), summary.requests, summary.duration, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
