/**
 * The headers of calls to a remote inference server: the manifest's own (credentials), with `${NAME}`
 * replaced from the environment once at load, and the one function that builds every call's headers.
 */
import { BackendLoadError } from '../../models/backend.js';

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces every `${NAME}` in the header values from `variables`. A name that is not set is a load
 * error naming the header, so a model never calls its remote without the credentials it was given.
 */
export function resolveHeaders(
  headers: Readonly<Record<string, string>>,
  variables: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, template] of Object.entries(headers)) {
    const missing = [...template.matchAll(VARIABLE)].map((match) => match[1]).filter((variable) => !variables[variable]);
    if (missing.length > 0) {
      throw new BackendLoadError(
        'MANIFEST_INVALID',
        `names the environment variable ${missing.map((v) => `\${${v}}`).join(', ')}, which is not set in the gateway's environment`,
        `backend.headers.${name}`,
      );
    }
    const value = template.replace(VARIABLE, (_match, variable: string) => variables[variable] ?? '');
    // A value from the environment must not smuggle a second header in.
    if (/[\r\n]/.test(value)) {
      throw new BackendLoadError('MANIFEST_INVALID', 'must be one line once its variables are replaced', `backend.headers.${name}`);
    }
    resolved[name.toLowerCase()] = value;
  }
  return resolved;
}

/**
 * The headers of one call to the remote: the manifest's resolved headers and the protocol's own. The
 * one place they are built, per call; the client's span (`withClientSpan`) adds its `traceparent`.
 */
export function outgoingHeaders(configured: Readonly<Record<string, string>>, hasBody: boolean): Record<string, string> {
  return { ...configured, accept: 'application/json', ...(hasBody ? { 'content-type': 'application/json' } : {}) };
}
