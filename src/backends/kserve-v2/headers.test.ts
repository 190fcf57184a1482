import { describe, expect, it } from 'vitest';
import { BackendLoadError } from '../../models/backend.js';
import { outgoingHeaders, resolveHeaders } from './headers.js';

describe('remote call headers', () => {
  it('replaces every variable reference from the environment, lower-casing header names', () => {
    const template = `Bearer \${TOKEN}`;
    expect(
      resolveHeaders({ Authorization: template, 'x-tenant': `\${TENANT}-\${REGION}` }, { TOKEN: 't0k3n', TENANT: 'acme', REGION: 'eu' }),
    ).toEqual({
      authorization: 'Bearer t0k3n',
      'x-tenant': 'acme-eu',
    });
  });

  it('refuses a header naming an unset (or empty) variable, naming the field and every missing name', () => {
    const resolve = () => resolveHeaders({ authorization: `\${USER}:\${PASSWORD}` }, { USER: 'me', PASSWORD: '' });
    expect(resolve).toThrow(BackendLoadError);
    expect(resolve).toThrow(expect.objectContaining({ reason: 'MANIFEST_INVALID', field: 'backend.headers.authorization' }));
    expect(resolve).toThrow(`names the environment variable \${PASSWORD}, which is not set in the gateway's environment`);
  });

  it('refuses a variable whose value would add a header line', () => {
    expect(() => resolveHeaders({ 'x-key': `\${KEY}` }, { KEY: 'abc\r\nx-admin: yes' })).toThrow(
      'must be one line once its variables are replaced',
    );
  });

  it('adds the protocol headers to each call, the body type only with a body', () => {
    expect(outgoingHeaders({ 'x-api-key': 'k' }, true)).toEqual({
      'x-api-key': 'k',
      accept: 'application/json',
      'content-type': 'application/json',
    });
    expect(outgoingHeaders({ 'x-api-key': 'k' }, false)).toEqual({ 'x-api-key': 'k', accept: 'application/json' });
  });
});
