/**
 * The part of autocannon 8's API the benchmarks use (the package ships no types and @types/autocannon is not
 * installed). See node_modules/autocannon/README.md.
 */
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  export interface RawRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    [key: string]: unknown;
  }

  export interface RequestSpec extends RawRequest {
    /** Called before each request is built; return the (mutated) request, or a falsy value to restart the sequence. */
    setupRequest?: (request: RawRequest, context: Record<string, unknown>) => RawRequest | null | undefined;
    /** Called with each response to this request, with the client's context as setupRequest left it. */
    onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, unknown>) => void;
  }

  export interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    amount?: number;
    /** Seconds. */
    timeout?: number;
    pipelining?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    title?: string;
    requests?: RequestSpec[];
    connectionRate?: number;
    overallRate?: number;
    ignoreCoordinatedOmission?: boolean;
    excludeErrorStats?: boolean;
    skipAggregateResult?: boolean;
    bailout?: number;
    sampleInt?: number;
  }

  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p0_001: number;
    p0_01: number;
    p0_1: number;
    p1: number;
    p2_5: number;
    p10: number;
    p25: number;
    p50: number;
    p75: number;
    p90: number;
    p97_5: number;
    p99: number;
    p99_9: number;
    p99_99: number;
    p99_999: number;
    sent?: number;
    totalCount?: number;
  }

  export interface Result {
    title?: string;
    url: string;
    connections: number;
    pipelining: number;
    /** Seconds. */
    duration: number;
    start: Date;
    finish: Date;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    resets: number;
    "1xx": number;
    "2xx": number;
    "3xx": number;
    "4xx": number;
    "5xx": number;
    statusCodeStats: Record<string, { count: number }>;
    latency: Histogram;
    requests: Histogram;
    throughput: Histogram;
  }

  /** What a run with `skipAggregateResult: true` resolves to; feed several to `aggregateResult`. */
  export interface PartialResult {
    totalCompletedRequests: number;
    totalRequests: number;
    totalBytes: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    "2xx": number;
    /** Seconds. */
    duration: number;
    start: Date;
    finish: Date;
    [key: string]: unknown;
  }

  export interface Instance<R = Result> extends EventEmitter, PromiseLike<R> {
    stop(): void;
  }

  interface Autocannon {
    (options: Options & { skipAggregateResult: true }): Instance<PartialResult>;
    (options: Options): Instance<Result>;
    aggregateResult(results: PartialResult[], options?: Partial<Options>): Result;
  }

  const autocannon: Autocannon;
  export default autocannon;
}
