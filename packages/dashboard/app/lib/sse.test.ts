// The server-sent events text of GET /v1/events, as a stream reader hands it over: in
// pieces that cut lines, line endings and characters anywhere.
import { describe, expect, it } from 'vitest';
import { SseParser } from './sse.js';

function feed(chunks: string[]) {
  const parser = new SseParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

describe('SseParser', () => {
  it('reads id, event and data, one message per blank line', () => {
    expect(feed(['id: 7\nevent: enqueued\ndata: {"a":1}\n\nid: 8\nevent: started\ndata: {"b":2}\n\n'])).toEqual([
      { id: '7', event: 'enqueued', data: '{"a":1}' },
      { id: '8', event: 'started', data: '{"b":2}' },
    ]);
  });

  it('gives the same messages however the text is cut', () => {
    const text =
      ': cadenza events\n\nid: 1\nevent: enqueued\ndata: {"jobId":"acme:1"}\n\nid: 2\nevent: failed\ndata: {"x":"ü"}\n\n';
    const whole = feed([text]);
    expect(whole).toHaveLength(2);
    for (let cut = 1; cut < text.length; cut++) {
      expect(feed([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual(whole);
    }
    expect(feed([...text])).toEqual(whole);
  });

  it('joins multi-line data with newlines, and takes a field without its space', () => {
    expect(feed(['data: first\ndata:second\ndata\n\n'])).toEqual([
      { id: '', event: 'message', data: 'first\nsecond\n' },
    ]);
  });

  it('skips comments (the keep-alives) and messages without data', () => {
    expect(feed([': keep-alive\n\n', 'event: nothing\n\n', ':\n', 'data: x\n\n'])).toEqual([
      { id: '', event: 'message', data: 'x' },
    ]);
  });

  it('accepts CRLF and CR line endings, a CRLF cut between its two characters included', () => {
    expect(feed(['id: 1\r\ndata: a\r', '\n\r', '\nid: 2\rdata: b\r\r'])).toEqual([
      { id: '1', event: 'message', data: 'a' },
      { id: '2', event: 'message', data: 'b' },
    ]);
  });

  it('keeps the last id for messages that name none, as EventSource does', () => {
    expect(feed(['id: 5\ndata: a\n\ndata: b\n\n'])).toEqual([
      { id: '5', event: 'message', data: 'a' },
      { id: '5', event: 'message', data: 'b' },
    ]);
  });

  it('does not give a message before its blank line', () => {
    const parser = new SseParser();
    expect(parser.push('id: 1\ndata: a\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ id: '1', event: 'message', data: 'a' }]);
  });

  it('ignores retry: and unknown fields', () => {
    expect(feed(['retry: 5000\nfoo: bar\ndata: x\n\n'])).toEqual([{ id: '', event: 'message', data: 'x' }]);
  });
});
