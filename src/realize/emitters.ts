import type { Emitter } from './emitter.ts';

/** Every target `np2dfw convert --target` knows. Each target's module adds its entry here. */
export const EMITTERS: ReadonlyMap<string, Emitter> = new Map<string, Emitter>([
]);
