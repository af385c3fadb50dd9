-- wrk script for bench/api_load.py: counts non-2xx responses across threads and prints
-- the latency percentiles and throughput as one JSON line (prefixed "RESULT ") in done().
--
-- With arguments (wrk ... URL -- PATHS_FILE THREADS), each request asks for the next path
-- of PATHS_FILE instead of URL's: thread i takes lines i, i + THREADS, i + 2 * THREADS, ...,
-- so no path is asked for twice while there are lines left.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  non2xx = 0
  if args[1] then
    paths = {}
    for line in io.lines(args[1]) do
      if line ~= "" then
        table.insert(paths, line)
      end
    end
    stride = tonumber(args[2]) or 1
    next_index = id - 1
  end
end

function request()
  if paths then
    local path = paths[(next_index % #paths) + 1]
    next_index = next_index + stride
    return wrk.format(nil, path)
  end
  return wrk.request()
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, ' ..
    '"p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "non2xx": %d, ' ..
    '"socket_errors": %d, "timeouts": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout))
end
