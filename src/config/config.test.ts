import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: 'development', isProduction: false, port: 4000, host: '127.0.0.1', logLevel: 'info' });
    expect(config.modelsDir).toMatch(/models$/);
    expect(config.limits).toEqual({ maxInstances: 1024, maxTexts: 256 });
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
