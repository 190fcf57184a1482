/**
 * Reads the model repository on disk (Triton's layout):
 *
 *   <root>/<model>/model.json           the manifest
 *   <root>/<model>/<version>/model.onnx numbered version folders; the highest ready one is the default
 *   <root>/<model>/<file>               extra files the manifest names (a version folder may override)
 *
 * Every problem becomes a `LoadFailure` naming the model, the file and the field, and never stops the
 * scan: the other models still load.
 */
import { type Dirent, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { ModelLoadFailure } from '../errors/catalogue.js';
import type { ManifestParser, ModelManifest } from './manifest.js';

export const MANIFEST_FILE = 'model.json';
export const ONNX_FILE = 'model.onnx';
/** What a model folder's name may be (and so a model name anywhere). */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** What a version folder's name may be: a positive integer without leading zeros. */
export const VERSION_FOLDER = /^[1-9][0-9]{0,8}$/;

export interface LoadFailure {
  readonly reason: ModelLoadFailure;
  /** The file at fault, relative to the working directory when inside it. */
  readonly file: string;
  /** The manifest field at fault, as a dotted path (`inputs.0.shape`), when there is one. */
  readonly field?: string;
  /** One sentence naming the model, the file and the field. */
  readonly message: string;
}

export interface ScannedVersion {
  readonly version: number;
  readonly onnxPath: string;
  /** Extra files by manifest key, resolved to paths (version folder first, then model folder). */
  readonly files: Readonly<Record<string, string>>;
  readonly failure?: LoadFailure;
}

export interface ScannedModel {
  readonly name: string;
  readonly dir: string;
  readonly manifest?: ModelManifest;
  /** Ascending by version. */
  readonly versions: readonly ScannedVersion[];
  /** Set when the model as a whole cannot load (bad manifest, no versions). */
  readonly failure?: LoadFailure;
}

export function loadFailure(model: string, reason: ModelLoadFailure, file: string, detail: string, field?: string): LoadFailure {
  const shown = displayPath(file);
  const where = field ? `${shown}: field ${field}` : shown;
  return { reason, file: shown, field, message: `model "${model}": ${where}: ${detail}` };
}

/** Scans `root`, reading manifests with `parseManifest`; a missing root is an error (the caller decides whether that is fatal). */
export function scanRepository(root: string, parseManifest: ManifestParser): ScannedModel[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new Error(`the model repository must be a directory, but ${displayPath(root)} is not`);
  }
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => isDirectory(root, entry) && !entry.name.startsWith('.') && !entry.name.startsWith('_'))
    .map((entry) => entry.name)
    .sort()
    .map((name) => scanModel(root, name, parseManifest));
}

/** Scans one model folder (which may have gone: then it reads as MANIFEST_MISSING). */
export function scanModel(root: string, name: string, parseManifest: ManifestParser): ScannedModel {
  const dir = join(root, name);
  const manifestPath = join(dir, MANIFEST_FILE);
  const failed = (failure: LoadFailure): ScannedModel => ({ name, dir, versions: [], failure });

  if (!MODEL_NAME.test(name)) {
    return failed(
      loadFailure(
        name,
        'MANIFEST_INVALID',
        dir,
        'the folder name must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
      ),
    );
  }
  if (!existsSync(manifestPath))
    return failed(loadFailure(name, 'MANIFEST_MISSING', manifestPath, `the model folder must hold a ${MANIFEST_FILE}`));

  let json: unknown;
  try {
    json = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    return failed(loadFailure(name, 'MANIFEST_INVALID_JSON', manifestPath, `must be valid JSON: ${(error as Error).message}`));
  }
  const parsed = parseManifest(json);
  if (!parsed.ok) return failed(loadFailure(name, 'MANIFEST_INVALID', manifestPath, parsed.message, parsed.field));
  const manifest = parsed.manifest;
  if (manifest.name !== undefined && manifest.name !== name) {
    return failed(
      loadFailure(name, 'MANIFEST_INVALID', manifestPath, `must equal the folder name "${name}", but got "${manifest.name}"`, 'name'),
    );
  }

  const versionNumbers = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => isDirectory(dir, entry) && VERSION_FOLDER.test(entry.name))
    .map((entry) => Number(entry.name))
    .sort((a, b) => a - b);
  if (versionNumbers.length === 0) {
    return {
      name,
      dir,
      manifest,
      versions: [],
      failure: loadFailure(name, 'NO_VERSIONS', dir, `must hold at least one numbered version folder with a ${ONNX_FILE}`),
    };
  }
  const versions = versionNumbers.map((version) => scanVersion(name, dir, manifest, version));
  return { name, dir, manifest, versions };
}

function scanVersion(name: string, dir: string, manifest: ModelManifest, version: number): ScannedVersion {
  const versionDir = join(dir, String(version));
  const onnxPath = join(versionDir, ONNX_FILE);
  const files: Record<string, string> = {};
  if (!existsSync(onnxPath)) {
    return {
      version,
      onnxPath,
      files,
      failure: loadFailure(name, 'MODEL_FILE_MISSING', onnxPath, `version ${version} must hold a ${ONNX_FILE}`),
    };
  }
  for (const [key, file] of Object.entries(manifest.files)) {
    if (isAbsolute(file) || file.split(/[\\/]/).includes('..')) {
      const failure = loadFailure(
        name,
        'MANIFEST_INVALID',
        join(dir, MANIFEST_FILE),
        `must be a file name inside the model folder, but got "${file}"`,
        `files.${key}`,
      );
      return { version, onnxPath, files, failure };
    }
    const candidates = [join(versionDir, file), join(dir, file)];
    const found = candidates.find((path) => existsSync(path));
    if (!found) {
      const failure = loadFailure(
        name,
        'MODEL_FILE_MISSING',
        join(dir, file),
        `the file named by the manifest does not exist (looked in the version folder and the model folder)`,
        `files.${key}`,
      );
      return { version, onnxPath, files, failure };
    }
    files[key] = found;
  }
  return { version, onnxPath, files };
}

/**
 * What the files a model loads from look like now (size, mtime and inode of model.json, each version's
 * model.onnx and extra files): a write, a replacement (a rename gives a new inode) or a removal changes
 * it. `model` covers the whole model, `versions` each version (a manifest change changes them all).
 */
export interface Fingerprint {
  readonly model: string;
  readonly versions: ReadonlyMap<number, string>;
}

export function fingerprint(model: ScannedModel): Fingerprint {
  const manifest = fileStamp(join(model.dir, MANIFEST_FILE));
  const versions = new Map<number, string>();
  for (const version of model.versions) {
    const files = Object.keys(version.files)
      .sort()
      .map((key) => `${key}=${fileStamp(version.files[key])}`);
    versions.set(version.version, [manifest, fileStamp(version.onnxPath), ...files].join(' '));
  }
  const parts = [manifest, model.failure?.reason ?? '', ...[...versions].map(([version, stamp]) => `${version}{${stamp}}`)];
  return { model: parts.join(' '), versions };
}

function fileStamp(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
  } catch {
    return 'missing';
  }
}

// Folders, and symbolic links to folders (deployments often mount models that way).
function isDirectory(parent: string, entry: Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(join(parent, entry.name)).isDirectory();
  } catch {
    return false; // a dangling link
  }
}

/** Paths in messages: relative to the working directory when inside it, so they read like `models/iris/model.json`. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
