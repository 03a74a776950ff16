import { parseWrkOutput } from './keep-alive';

// wrk 4.1 (Debian), as printed with --latency.
const OUTPUT = `Running 10s test @ http://127.0.0.1:8080/openstack/2018-08-27/meta_data.json
  2 threads and 256 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     8.21ms    3.10ms 122.45ms   91.02%
    Req/Sec    15.80k     1.20k   18.10k    70.50%
  Latency Distribution
     50%    7.90ms
     75%    9.01ms
     90%   10.52ms
     99%   18.30ms 
  314512 requests in 10.01s, 512.33MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 5
Requests/sec:  31420.18
Transfer/sec:     51.18MB
`;

describe('parseWrkOutput', () => {
  it('reads the rate, the percentiles, the maximum and every kind of error', () => {
    expect(parseWrkOutput(OUTPUT)).toEqual({ requestsPerSecond: 31420.18, latencyMs: { p50: 7.9, p99: 18.3, max: 122.45 }, errors: 10 });
  });

  it('converts microseconds and seconds', () => {
    const mixed = OUTPUT.replace('7.90ms', '790.00us').replace('122.45ms', '1.20s');
    expect(parseWrkOutput(mixed).latencyMs).toEqual({ p50: 0.79, p99: 18.3, max: 1200 });
  });

  it('says what wrk printed when a figure is missing', () => {
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused\n')).toThrow(
      /wrk printed no request rate.*\n.*Connection refused/,
    );
  });
});
