/**
 * Small ONNX models written on the fly for runtime and registry tests (not bundled models).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphBuilder } from '../../scripts/lib/onnx-graph.js';

/** y = x · W with W = [[1,2,3],[4,5,6]] (times `scale`): input `x` [batch, 2], output `y` [batch, 3]. */
export function linearModel(scale = 1): Uint8Array {
  const g = new GraphBuilder('linear');
  g.input('x', 'float32', ['batch', 2]);
  g.floats(
    'w',
    [2, 3],
    [1, 2, 3, 4, 5, 6].map((w) => w * scale),
  );
  g.op('MatMul', ['x', 'w'], {}, 'y');
  g.output('y', 'float32', ['batch', 3]);
  return g.encode();
}

/**
 * A deliberately slow model: `layers` chained [width x width] matmuls with a Tanh between, so a batch of
 * `width` items costs layers · width³ multiply-adds. Input `x` [batch, width], output `y` [batch, width].
 */
export function slowModel(width = 512, layers = 12): Uint8Array {
  const g = new GraphBuilder('slow');
  g.input('x', 'float32', ['batch', width]);
  const w = new Float32Array(width * width);
  for (let i = 0; i < w.length; i += 1) w[i] = ((i * 2654435761) % 1000) / 1000 / width - 0.5 / width;
  g.initializer('w', 'float32', [width, width], w);
  let current = 'x';
  for (let layer = 0; layer < layers; layer += 1) {
    const product = g.op('MatMul', [current, 'w']);
    current = g.op('Tanh', [product], {}, layer === layers - 1 ? 'y' : undefined);
  }
  g.output('y', 'float32', ['batch', width]);
  return g.encode();
}

/** Writes bytes to `<dir>/<name>.onnx` and returns the path. */
export function writeOnnx(dir: string, name: string, bytes: Uint8Array): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.onnx`);
  writeFileSync(path, bytes);
  return path;
}

/**
 * Expensive per item but tiny on disk: the outer product of the input with itself, squared `rounds`
 * times (n³ multiply-adds per round), averaged back to [batch, n]. Input `x` [batch, n], output `y`.
 */
export function selfProductModel(n = 512, rounds = 8): Uint8Array {
  const g = new GraphBuilder('self-product');
  g.input('x', 'float32', ['batch', n]);
  g.int64s('axis_column', [1], [2]);
  g.int64s('axis_row', [1], [1]);
  const column = g.op('Unsqueeze', ['x', 'axis_column']);
  const row = g.op('Unsqueeze', ['x', 'axis_row']);
  let matrix = g.op('MatMul', [column, row]);
  for (let round = 0; round < rounds; round += 1) matrix = g.op('Tanh', [g.op('MatMul', [matrix, matrix])]);
  g.op('ReduceMean', [matrix], { axes: [2], keepdims: 0 }, 'y');
  g.output('y', 'float32', ['batch', n]);
  return g.encode();
}
