import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: 'development', isProduction: false, port: 4000, host: '127.0.0.1', logLevel: 'info' });
    expect(config.modelsDir).toMatch(/models$/);
    expect(config.limits).toEqual({
      maxInstances: 1024,
      maxTexts: 256,
      maxBodyBytes: 16 * 1024 * 1024,
      maxItemsPerQuery: 4096,
      maxTextCharactersPerQuery: 1_280_000,
      maxTextCharactersPerRequest: 2_560_000,
      itemsPerMinute: 600_000,
      maxBatchedOperations: 10,
    });
  });

  it('reads the text character caps', () => {
    const { limits } = loadConfig({ MAX_TEXT_CHARACTERS_PER_QUERY: '5000', MAX_TEXT_CHARACTERS_PER_REQUEST: '9000' });
    expect(limits).toMatchObject({ maxTextCharactersPerQuery: 5000, maxTextCharactersPerRequest: 9000 });
    expect(() => loadConfig({ MAX_TEXT_CHARACTERS_PER_REQUEST: '-1' })).toThrow(
      'MAX_TEXT_CHARACTERS_PER_REQUEST: must be positive, but got "-1"',
    );
  });

  it('serves the IDE outside production unless switched off, and in production only when switched on', () => {
    expect(loadConfig({}).ide).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).ide).toBe(true);
    expect(loadConfig({ IDE: 'off' }).ide).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).ide).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', IDE: 'on' }).ide).toBe(true);
    expect(() => loadConfig({ IDE: 'yes' })).toThrow('IDE: must be on or off, but got "yes"');
    expect(() => loadConfig({ MAX_BATCHED_OPERATIONS: '0' })).toThrow('MAX_BATCHED_OPERATIONS: must be positive, but got "0"');
    expect(loadConfig({ MAX_BATCHED_OPERATIONS: '25' }).limits.maxBatchedOperations).toBe(25);
  });

  it('polls the model repository outside production and reads it once in production, unless told otherwise', () => {
    expect(loadConfig({}).models).toMatchObject({ control: 'poll', pollSeconds: 5 });
    expect(loadConfig({ NODE_ENV: 'production' }).models.control).toBe('none');
    expect(loadConfig({ NODE_ENV: 'production', MODEL_CONTROL: 'explicit', MODEL_POLL_SECONDS: '0.5' }).models).toMatchObject({
      control: 'explicit',
      pollSeconds: 0.5,
    });
    expect(() => loadConfig({ MODEL_CONTROL: 'watch' })).toThrow('MODEL_CONTROL: must be one of none, poll, explicit, but got "watch"');
    expect(() => loadConfig({ MODEL_POLL_SECONDS: '0' })).toThrow('MODEL_POLL_SECONDS: must be positive, but got "0"');
  });

  it('reads the preprocessing threads and their nice increment (default: one thread, 10 lower)', () => {
    expect(loadConfig({}).preprocess).toEqual({ workers: 1, niceIncrement: 10 });
    expect(loadConfig({ PREPROCESS_WORKERS: '3', PREPROCESS_NICE: '0' }).preprocess).toEqual({ workers: 3, niceIncrement: 0 });
    expect(() => loadConfig({ PREPROCESS_NICE: '20' })).toThrow('PREPROCESS_NICE: must be 0-19, but got "20"');
    expect(() => loadConfig({ PREPROCESS_WORKERS: '0' })).toThrow('PREPROCESS_WORKERS: must be positive, but got "0"');
  });

  it('logs readable lines in development on a terminal, JSON elsewhere and always in production', () => {
    expect(loadConfig({}, { stdoutIsTTY: true }).logFormat).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'test' }, { stdoutIsTTY: true }).logFormat).toBe('pretty');
    expect(loadConfig({}, { stdoutIsTTY: false }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'json' }, { stdoutIsTTY: true }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }, { stdoutIsTTY: false }).logFormat).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'production', API_KEYS_FILE: 'k.json' }, { stdoutIsTTY: true }).logFormat).toBe('json');
    expect(() => loadConfig({ NODE_ENV: 'production', LOG_FORMAT: 'pretty', API_KEYS_FILE: 'k.json' })).toThrow(
      'LOG_FORMAT: must be json in production (log collectors read JSON lines), but got "pretty"',
    );
    expect(() => loadConfig({ LOG_FORMAT: 'text' })).toThrow('LOG_FORMAT: must be json or pretty, but got "text"');
  });

  it('keeps item budgets in memory unless REDIS_URL names a shared Redis, whose password never appears in an error', () => {
    expect(loadConfig({}).rateLimitStore).toEqual({ kind: 'memory' });
    expect(loadConfig({ REDIS_URL: 'redis://:pw@redis:6379/2' }).rateLimitStore).toEqual({
      kind: 'redis',
      url: 'redis://:pw@redis:6379/2',
      commandTimeoutMs: 500,
    });
    expect(loadConfig({ REDIS_URL: 'rediss://redis.internal', REDIS_COMMAND_TIMEOUT_MS: '50' }).rateLimitStore).toMatchObject({
      commandTimeoutMs: 50,
    });
    let error: unknown;
    try {
      loadConfig({ REDIS_URL: 'http://:hunter2@redis:6379', REDIS_COMMAND_TIMEOUT_MS: '0' });
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).problems).toEqual([
      'REDIS_URL: must be a redis:// or rediss:// URL, but got a value of 26 characters',
      'REDIS_COMMAND_TIMEOUT_MS: must be positive, but got "0"',
    ]);
    expect((error as ConfigError).message).not.toContain('hunter2');
    expect(() => loadConfig({ REDIS_COMMAND_TIMEOUT_MS: '100' })).toThrow(
      'REDIS_COMMAND_TIMEOUT_MS: needs REDIS_URL to take effect, but got "100"',
    );
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(4000);
  });

  it('reports every bad value at once, each with its variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', NODE_ENV: 'prod', INFERENCE_WORKERS: '0' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems).toContain('PORT: must be a number, but got "eighty"');
    expect(problems).toContain('NODE_ENV: must be development, production or test, but got "prod"');
    expect(problems).toContain('INFERENCE_WORKERS: must be positive, but got "0"');
    expect(problems.find((p) => p.startsWith('LOG_LEVEL'))).toMatch(
      /must be one of fatal, error, warn, info, debug, trace, silent, but got "loud"/,
    );
  });
});

describe('loadConfig: auth', () => {
  const secret = 's'.repeat(32);

  it('has no credentials configured by default, and introspection for authenticated callers outside production', () => {
    expect(loadConfig({}).auth).toEqual({ isProduction: false, introspection: 'authenticated', authorization: true });
    expect(loadConfig({ NODE_ENV: 'test' }).auth.introspection).toBe('authenticated');
    expect(loadConfig({ NODE_ENV: 'production' }).auth).toEqual({ isProduction: true, introspection: 'admin', authorization: true });
    expect(loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'public' }).auth.introspection).toBe('public');
  });

  it('reads the keys file path and the JWT settings', () => {
    const auth = loadConfig({
      API_KEYS_FILE: 'config/keys.json',
      AUTH_JWT_SECRET: secret,
      AUTH_JWKS_URL: 'https://id.example/.well-known/jwks.json',
      AUTH_JWT_ISSUER: 'https://id.example',
      AUTH_JWT_AUDIENCE: 'gateway',
      INTROSPECTION: 'off',
    }).auth;
    expect(auth.apiKeysFile).toMatch(/^\/.*config\/keys\.json$/);
    expect(auth.jwt).toEqual({
      secret,
      jwksUrl: 'https://id.example/.well-known/jwks.json',
      issuer: 'https://id.example',
      audience: 'gateway',
      maxAgeSeconds: 86_400,
    });
    expect(auth.introspection).toBe('off');
    expect(loadConfig({ AUTH_JWKS_URL: 'http://127.0.0.1:9999/jwks', AUTH_JWT_MAX_AGE_SECONDS: '3600' }).auth.jwt).toEqual({
      jwksUrl: 'http://127.0.0.1:9999/jwks',
      maxAgeSeconds: 3600,
    });
  });

  it('reports every bad auth value with its variable, never echoing the secret', () => {
    let error: unknown;
    try {
      loadConfig({ AUTH_JWT_SECRET: 'too-short-secret', AUTH_JWKS_URL: 'ftp://id.example/jwks', INTROSPECTION: 'everyone', PORT: '-1' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      'PORT: must be 0-65535, but got "-1"',
      'AUTH_JWT_SECRET: must be at least 32 characters, but got a value of 16 characters',
      'AUTH_JWKS_URL: must be an http(s) URL, but got "ftp://id.example/jwks"',
      'INTROSPECTION: must be one of authenticated, admin, public, off, but got "everyone"',
    ]);
    expect((error as ConfigError).message).not.toContain('too-short-secret');
  });

  it('refuses issuer and audience checks without a way to verify tokens, alongside other problems', () => {
    let error: unknown;
    try {
      loadConfig({ AUTH_JWT_ISSUER: 'https://id.example', AUTH_JWT_AUDIENCE: 'gateway', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems).toContain('AUTH_JWT_ISSUER: needs AUTH_JWT_SECRET or AUTH_JWKS_URL to take effect, but got "https://id.example"');
    expect(problems).toContain('AUTH_JWT_AUDIENCE: needs AUTH_JWT_SECRET or AUTH_JWKS_URL to take effect, but got "gateway"');
  });

  it('reads the persisted documents mode and manifest, each needing the other', () => {
    expect(loadConfig({}).persistedDocuments).toEqual({ mode: 'off' });
    expect(loadConfig({ NODE_ENV: 'production', API_KEYS_FILE: 'k.json' }).persistedDocuments).toEqual({ mode: 'off' });
    expect(loadConfig({ PERSISTED_DOCUMENTS: 'only', PERSISTED_DOCUMENTS_FILE: 'docs.json' }).persistedDocuments).toEqual({
      mode: 'only',
      file: expect.stringMatching(/^\/.*docs\.json$/),
    });
    let error: unknown;
    try {
      loadConfig({ PERSISTED_DOCUMENTS: 'allow', AUTH_JWT_MAX_AGE_SECONDS: '0' });
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).problems).toEqual([
      'AUTH_JWT_MAX_AGE_SECONDS: must be positive, but got "0"',
      'AUTH_JWT_MAX_AGE_SECONDS: needs AUTH_JWT_SECRET or AUTH_JWKS_URL to take effect, but got "0"',
      'PERSISTED_DOCUMENTS: needs PERSISTED_DOCUMENTS_FILE (the persisted-documents.json codegen writes), but got "allow"',
    ]);
    expect(() => loadConfig({ PERSISTED_DOCUMENTS_FILE: 'docs.json' })).toThrow(
      'PERSISTED_DOCUMENTS_FILE: needs PERSISTED_DOCUMENTS=allow or only to take effect, but got "docs.json"',
    );
    expect(() => loadConfig({ PERSISTED_DOCUMENTS: 'some' })).toThrow(
      'PERSISTED_DOCUMENTS: must be one of off, allow, only, but got "some"',
    );
  });

  it('refuses to switch authorization off in production', () => {
    expect(loadConfig({ AUTHORIZATION: 'off' }).auth.authorization).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'production', AUTHORIZATION: 'off', API_KEYS_FILE: 'k.json' })).toThrow(
      'AUTHORIZATION: must be on in production (off exists to measure its cost), but got "off"',
    );
  });
});

describe('loadConfig: the HTTP edge', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.anonymous).toEqual({ maxBodyBytes: 65_536, requestsPerMinute: 60 });
    expect(config.connections).toEqual({
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      idleTimeoutMs: 120_000,
      keepAliveTimeoutMs: 72_000,
      maxConnections: 1024,
      trustProxy: false,
    });
  });

  it('serves metrics on the API port outside production (and on METRICS_PORT if set), on their own listener in production', () => {
    expect(loadConfig({}).metrics).toEqual({ onApiPort: true, host: '127.0.0.1' });
    expect(loadConfig({ METRICS_PORT: '9100' }).metrics).toEqual({ onApiPort: true, port: 9100, host: '127.0.0.1' });
    expect(loadConfig({ NODE_ENV: 'production' }).metrics).toEqual({ onApiPort: false, port: 9464, host: '127.0.0.1' });
    expect(loadConfig({ NODE_ENV: 'production', METRICS_PORT: '9100', METRICS_HOST: '0.0.0.0' }).metrics).toEqual({
      onApiPort: false,
      port: 9100,
      host: '0.0.0.0',
    });
    expect(() => loadConfig({ PORT: '8080', METRICS_PORT: '8080' })).toThrow(
      'METRICS_PORT: must differ from PORT (metrics get their own listener), but got "8080"',
    );
  });

  it('allows local pages by default outside production, nothing in production, and what CORS_ORIGINS lists', () => {
    expect(loadConfig({}).cors.origins).toEqual(['http://localhost:*', 'http://127.0.0.1:*']);
    expect(loadConfig({ NODE_ENV: 'production' }).cors.origins).toEqual([]);
    expect(loadConfig({ NODE_ENV: 'production', CORS_ORIGINS: ' https://app.example.com, http://[::1]:5173 ,' }).cors.origins).toEqual([
      'https://app.example.com',
      'http://[::1]:5173',
    ]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).cors.origins).toEqual(['*']);
    for (const bad of [
      'app.example.com',
      'https://app.example.com/',
      'https://app.example.com/path',
      'ftp://files.example.com',
      'https://*.example.com',
    ]) {
      expect(() => loadConfig({ CORS_ORIGINS: bad }), bad).toThrow(
        /^invalid configuration:\n {2}- CORS_ORIGINS: must be comma-separated origins like https:\/\/app\.example\.com/,
      );
    }
  });

  it('refuses a headers timeout above the request timeout, and a TRUST_PROXY that would trust anyone', () => {
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '40000' })).toThrow(
      'HEADERS_TIMEOUT_MS: must be at most REQUEST_TIMEOUT_MS (30000), but got 40000',
    );
    expect(loadConfig({ HEADERS_TIMEOUT_MS: '40000', REQUEST_TIMEOUT_MS: '60000' }).connections.headersTimeoutMs).toBe(40_000);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7' }).connections.trustProxy).toBe('10.0.0.0/8, 192.168.1.7');
    expect(loadConfig({ TRUST_PROXY: 'loopback,uniquelocal' }).connections.trustProxy).toBe('loopback,uniquelocal');
    for (const bad of ['true', '*', '2', 'dead', '10.0.0.0/33', '10.0.0.1,'])
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY: must be comma-separated IPs or CIDRs/);
  });
});
