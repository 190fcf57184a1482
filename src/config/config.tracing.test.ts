import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig: OpenTelemetry tracing (OTEL_*)', () => {
  it('is off by default, with the specification defaults ready', () => {
    expect(loadConfig({}).tracing).toEqual({
      enabled: false,
      exporter: 'otlp',
      otlp: { url: 'http://localhost:4318/v1/traces', protocol: 'http/protobuf', headers: {}, timeoutMs: 10_000 },
      serviceName: 'onnx-graphql-gateway',
      resourceAttributes: {},
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      batch: { scheduleDelayMs: 5000, exportTimeoutMs: 30_000, maxQueueSize: 2048, maxExportBatchSize: 512 },
    });
  });

  it('is on with an OTLP endpoint, which gets /v1/traces; the traces endpoint is used as it is and wins', () => {
    const general = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing;
    expect(general).toMatchObject({ enabled: true, exporter: 'otlp', otlp: { url: 'http://collector:4318/v1/traces' } });
    const specific = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/api/spans',
    }).tracing;
    expect(specific.otlp.url).toBe('https://traces.example.com/api/spans');
  });

  it('is on with OTEL_TRACES_EXPORTER alone (none: spans made and propagated, exported nowhere), off with OTEL_SDK_DISABLED', () => {
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'none' }).tracing).toMatchObject({ enabled: true, exporter: 'none' });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing).toMatchObject({ enabled: true, exporter: 'otlp' });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }).tracing.enabled).toBe(false);
  });

  it('reads the service name, resource attributes, headers (percent-decoded), protocol, timeout, sampler and batch settings', () => {
    const tracing = loadConfig({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes,deployment.environment=prod%20eu',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-tenant=a',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=b',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_SCHEDULE_DELAY: '1000',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
    }).tracing;
    expect(tracing).toMatchObject({
      serviceName: 'from-attributes',
      resourceAttributes: { 'service.name': 'from-attributes', 'deployment.environment': 'prod eu' },
      otlp: { protocol: 'http/json', headers: { authorization: 'Bearer abc', 'x-tenant': 'b' }, timeoutMs: 2000 },
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
      batch: { scheduleDelayMs: 1000, maxQueueSize: 100 },
    });
    expect(loadConfig({ OTEL_SERVICE_NAME: 'front', OTEL_RESOURCE_ATTRIBUTES: 'service.name=other' }).tracing.serviceName).toBe('front');
  });

  it('reports every bad OTEL_* value at once, never echoing the exporter headers', () => {
    let error: unknown;
    try {
      loadConfig({
        OTEL_TRACES_EXPORTER: 'console',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%ZZsecret',
        OTEL_TRACES_SAMPLER: 'jaeger_remote',
        OTEL_SDK_DISABLED: 'yes',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('OTEL_TRACES_EXPORTER: must be otlp or none');
    expect(problems).toContain('OTEL_EXPORTER_OTLP_PROTOCOL: must be http/protobuf or http/json (grpc is not supported)');
    expect(problems).toContain('OTEL_EXPORTER_OTLP_ENDPOINT: must be an http(s) URL');
    expect(problems).toContain('OTEL_EXPORTER_OTLP_HEADERS: must be comma-separated key=value pairs');
    expect(problems).toContain('OTEL_TRACES_SAMPLER: must be one of always_on');
    expect(problems).toContain('OTEL_SDK_DISABLED: must be true or false');
    expect(problems).not.toContain('secret');
  });

  it('refuses a sampler ratio that no sampler reads, and one outside 0-1', () => {
    expect(() => loadConfig({ OTEL_TRACES_SAMPLER_ARG: '0.5' })).toThrow('OTEL_TRACES_SAMPLER_ARG: needs OTEL_TRACES_SAMPLER=traceidratio');
    expect(() => loadConfig({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(
      'OTEL_TRACES_SAMPLER_ARG: must be 0-1, but got "2"',
    );
  });
});
