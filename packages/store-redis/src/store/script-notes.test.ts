import { describe, expect, it } from 'vitest';
import { band } from '../band.js';
import { decodeNotes } from './script-notes.js';

describe('the notes of a tenant function', () => {
  it('are decoded by name: ready bands per tenant, due, freed holds, tenants marked live, then the answer', () => {
    const notes = decodeNotes(['59||0', 1, 'acme/j1/c1 cove/j2/c2', '1 3', 'ok', 'x'], ['acme', 'bolt', 'cove']);
    expect(notes).toEqual({
      ready: [band(5, 'acme'), band(9, 'acme'), band(0, 'cove')],
      due: true,
      freed: ['acme/j1/c1', 'cove/j2/c2'],
      live: ['acme', 'cove'],
      answer: ['ok', 'x'],
    });
  });

  it('read an empty reply as no notes', () => {
    expect(decodeNotes(['', 0, '', ''], ['acme'])).toEqual({ ready: [], due: false, freed: [], live: [], answer: [] });
  });
});
