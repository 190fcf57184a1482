/**
 * The client as an outside front-end team uses it: the package is built and packed, installed into an
 * app in a temporary folder (from npm's cache, as `npm ci` left it), the app generates its types from the
 * running gateway's schema with its own codegen.ts, and type-checks. A misspelt field, or a misspelt
 * feature of the typed predictIris, must not compile.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/gateway-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const versionOf = (name: string) =>
  (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

async function sh(command: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, {
      cwd,
      timeout: 240_000,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

const APP = (
  field: string,
  feature = 'sepalLength',
) => `import { GATEWAY_ERROR_CODES, createGatewayClient, runQuery, type GatewayErrorCode } from '@onnx-graphql-gateway/client';
import { graphql } from './gql/index.js';

const IrisDocument = graphql(\`
  query Iris($flowers: [InstanceInput!]!) {
    predict(model: "iris", instances: $flowers) { label score probabilities { label probability } }
  }
\`);

export async function classify(uri: string): Promise<string | null | undefined> {
  const client = createGatewayClient({ uri, apiKey: 'dev-key' });
  const { data, errors } = await runQuery(client, IrisDocument, {
    flowers: [{ features: { sepalLength: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 } }],
  });
  const known: readonly GatewayErrorCode[] = GATEWAY_ERROR_CODES;
  if (errors.some((error) => error.code === 'RATE_LIMITED') && known.length > 0) return null;
  return data?.predict?.[0]?.${field};
}

// The typed per-model field: features are named fields of IrisFeaturesInput, the label an enum.
const TypedIrisDocument = graphql(\`
  query TypedIris($flowers: [IrisFeaturesInput!]!) {
    predictIris(instances: $flowers) { label score }
  }
\`);

export async function classifyTyped(uri: string): Promise<'SETOSA' | 'VERSICOLOR' | 'VIRGINICA' | undefined> {
  const client = createGatewayClient({ uri, apiKey: 'dev-key' });
  const { data } = await runQuery(client, TypedIrisDocument, {
    flowers: [{ ${feature}: 5.1, sepalWidth: 3.5, petalLength: 1.4, petalWidth: 0.2 }],
  });
  return data?.predictIris?.[0]?.label;
}
`;

describe('the installable client package in an outside app', () => {
  let server: TestServer;
  let work: string;
  let app: string;
  beforeAll(async () => {
    server = await startTestServer();
    work = mkdtempSync(join(tmpdir(), 'client-consumer-'));
    app = join(work, 'app');
  });
  afterAll(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('installs, generates its types from the running gateway and type-checks; a misspelt field or feature does not compile', {
    timeout: 300_000,
  }, async () => {
    const build = await sh(join(root, 'node_modules/.bin/tsc'), ['-p', 'client/tsconfig.json'], root);
    expect(build.output).toBe('');
    const pack = await sh('npm', ['pack', join(root, 'client'), '--pack-destination', work], root);
    expect(pack.code, pack.output).toBe(0);
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'))!;
    expect(tarball).toMatch(/^onnx-graphql-gateway-client-0\.1\.0\.tgz$/);

    mkdirSync(join(app, 'src'), { recursive: true });
    const pin = (name: string) => [name, versionOf(name)];
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'consumer-app',
        private: true,
        type: 'module',
        dependencies: {
          '@onnx-graphql-gateway/client': `file:../${tarball}`,
          ...Object.fromEntries(['@apollo/client', 'graphql', 'rxjs'].map(pin)),
        },
        devDependencies: Object.fromEntries(['typescript', '@graphql-codegen/cli', '@graphql-codegen/client-preset'].map(pin)),
      }),
    );
    // The consumer's codegen.ts, as the README shows it: the live endpoint, the auth header that
    // introspection needs, .js import extensions for NodeNext, and the gateway's scalars.
    writeFileSync(
      join(app, 'codegen.ts'),
      `import type { CodegenConfig } from '@graphql-codegen/cli';
const config: CodegenConfig = {
  schema: [{ '${server.origin}/graphql': { headers: { 'x-api-key': 'dev-key' } } }],
  documents: ['src/**/*.ts', '!src/gql/**'],
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { importExtension: '.js', useTypeImports: true, enumsAsTypes: true, strictScalars: true, scalars: { ID: 'string', JSONObject: 'Record<string, unknown>' } },
    },
  },
};
export default config;
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023', 'DOM'],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
        },
        include: ['src'],
      }),
    );
    writeFileSync(join(app, 'src/app.ts'), APP('label'));

    const install = await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
    expect(install.code, install.output).toBe(0);
    const codegen = await sh(join(app, 'node_modules/.bin/graphql-codegen'), ['--config', 'codegen.ts'], app);
    expect(codegen.code, codegen.output).toBe(0);
    const good = await sh(join(app, 'node_modules/.bin/tsc'), ['-p', '.'], app);
    expect(good.output).toBe('');
    expect(good.code).toBe(0);

    writeFileSync(join(app, 'src/app.ts'), APP('lable'));
    const bad = await sh(join(app, 'node_modules/.bin/tsc'), ['-p', '.'], app);
    expect(bad.code).not.toBe(0);
    expect(bad.output).toMatch(/src\/app\.ts.*Property 'lable' does not exist/);

    writeFileSync(join(app, 'src/app.ts'), APP('label', 'sepalLenght'));
    const misspeltFeature = await sh(join(app, 'node_modules/.bin/tsc'), ['-p', '.'], app);
    expect(misspeltFeature.code).not.toBe(0);
    expect(misspeltFeature.output).toMatch(/src\/app\.ts.*'sepalLenght' does not exist in type 'IrisFeaturesInput'/);
  });
});
