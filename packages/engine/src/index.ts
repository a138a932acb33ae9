// The public surface of @cadenza/engine: each export named.
export { createEngine, Engine, type EngineOptions } from './engine.js';
