import type { ChainableCommander, Redis } from 'ioredis';
import { PACKAGE_VERSION } from '../version.js';
import { commandName, registerScripts } from './loader.js';

type Target = Redis | ChainableCommander;
type Method = (...args: (string | number)[]) => unknown;

/**
 * Calls scripts registered by `registerScripts` on a client or a pipeline. ioredis adds
 * defined commands as methods at run time, which its types cannot know; this is the one
 * place that looks them up, and it fails loudly when one is missing.
 */
export class Scripts {
  /** Scripts taking any number of keys: their calls give the number first. */
  private readonly variable: Set<string>;

  constructor(redis: Redis) {
    this.variable = registerScripts(redis, PACKAGE_VERSION);
  }

  /** On a client: resolves with the reply. On a pipeline: queues the call (reply from exec). */
  call(target: Target, name: string, keys: readonly string[], args: readonly (string | number)[]): unknown {
    const command = commandName(name, PACKAGE_VERSION);
    const method = (target as unknown as Record<string, Method | undefined>)[command];
    if (typeof method !== 'function') throw new Error(`lua script ${command} is not registered on this client`);
    if (this.variable.has(name)) return method.call(target, keys.length, ...keys, ...args);
    return method.call(target, ...keys, ...args);
  }
}
