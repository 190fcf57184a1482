import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: 'development', isProduction: false, port: 4000, host: '127.0.0.1', logLevel: 'info' });
    expect(config.modelsDir).toMatch(/models$/);
    expect(config.limits).toEqual({ maxInstances: 1024, maxTexts: 256, maxBodyBytes: 16 * 1024 * 1024, maxItemsPerQuery: 4096, itemsPerMinute: 600_000, maxBatchedOperations: 10 });
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

  it('reads the preprocessing threads and their nice increment (default: one thread, 10 lower)', () => {
    expect(loadConfig({}).preprocess).toEqual({ workers: 1, niceIncrement: 10 });
    expect(loadConfig({ PREPROCESS_WORKERS: '3', PREPROCESS_NICE: '0' }).preprocess).toEqual({ workers: 3, niceIncrement: 0 });
    expect(() => loadConfig({ PREPROCESS_NICE: '20' })).toThrow('PREPROCESS_NICE: must be 0-19, but got "20"');
    expect(() => loadConfig({ PREPROCESS_WORKERS: '0' })).toThrow('PREPROCESS_WORKERS: must be positive, but got "0"');
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
    expect(problems.find((p) => p.startsWith('LOG_LEVEL'))).toMatch(/must be one of fatal, error, warn, info, debug, trace, silent, but got "loud"/);
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
    expect(auth.jwt).toEqual({ secret, jwksUrl: 'https://id.example/.well-known/jwks.json', issuer: 'https://id.example', audience: 'gateway' });
    expect(auth.introspection).toBe('off');
    expect(loadConfig({ AUTH_JWKS_URL: 'http://127.0.0.1:9999/jwks' }).auth.jwt).toEqual({ jwksUrl: 'http://127.0.0.1:9999/jwks' });
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

  it('refuses to switch authorization off in production', () => {
    expect(loadConfig({ AUTHORIZATION: 'off' }).auth.authorization).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'production', AUTHORIZATION: 'off', API_KEYS_FILE: 'k.json' })).toThrow(
      'AUTHORIZATION: must be on in production (off exists to measure its cost), but got "off"',
    );
  });
});
