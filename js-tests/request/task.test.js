// Spec 4.5: RequestTask: abort in every state, headers and chunk listeners, event order.
const { request, API } = require('../helpers/net');

describe('abort', () => {
  test('a running task fails with "abort" as a later macrotask', async () => {
    const calls = [];
    let resolveDone;
    const done = new Promise((resolve) => (resolveDone = resolve));
    const task = wx.request({
      url: API + '/delay/2000',
      fail: (err) => calls.push(['fail', err]),
      complete: (res) => {
        calls.push(['complete', res]);
        resolveDone();
      },
    });
    // Nothing else runs, so the task was admitted to the pool at once: it is running.
    task.abort();
    expect(calls).toEqual([]);
    await done;
    expect(calls.map((c) => c[0])).toEqual(['fail', 'complete']);
    expect(calls[0][1]).toEqual({ errMsg: 'request:fail abort' });
  });

  test('a queued task fails at once, synchronously, and never runs', async () => {
    const running = [];
    for (let i = 0; i < 10; i++) running.push(request({ url: API + '/delay/400' }));
    const calls = [];
    const queued = wx.request({
      url: API + '/echo',
      success: () => calls.push('success'),
      fail: (err) => calls.push(err.errMsg),
      complete: () => calls.push('complete'),
    });
    queued.abort();
    expect(calls).toEqual(['request:fail abort', 'complete']);
    // Queued behind it and slower: had the aborted task stayed in the FIFO queue, it would
    // have started first and ended long before this one.
    const after = await request({ url: API + '/delay/200' });
    await Promise.all(running);
    expect(after.ok).toBe(true);
    expect(calls).toEqual(['request:fail abort', 'complete']);
  });

  test('a finished task is not affected', async () => {
    const { calls, task } = await request({ url: API + '/echo' });
    task.abort();
    task.abort();
    // Callbacks are queued in order: anything the aborts queued would run before this one.
    await new Promise((resolve) => wx.getNetworkType({ complete: resolve }));
    expect(calls).toEqual(['success', 'complete']);
  });
});

describe('listeners', () => {
  test('onHeadersReceived gets header, statusCode and cookies before success', async () => {
    const order = [];
    let seen;
    let task;
    const done = new Promise((resolve) => {
      task = wx.request({ url: API + '/cookies', success: () => order.push('success'), complete: resolve });
    });
    task.onHeadersReceived((headers) => {
      order.push('headers');
      seen = headers;
    });
    await done;
    expect(order).toEqual(['headers', 'success']);
    expect(seen.statusCode).toBe(200);
    expect(seen.header['Content-Type']).toBe('application/json');
    expect(seen.cookies).toHaveLength(3);
  });

  test('the same listener is kept once; off(fn) removes it, off() removes all', async () => {
    const counts = { a: 0, b: 0 };
    const a = () => counts.a++;
    const b = () => counts.b++;
    let task;
    const done = new Promise((resolve) => {
      task = wx.request({ url: API + '/echo', complete: resolve });
    });
    task.onHeadersReceived(a);
    task.onHeadersReceived(a);
    task.onHeadersReceived(b);
    task.offHeadersReceived(b);
    await done;
    expect(counts).toEqual({ a: 1, b: 0 });
    let second;
    const done2 = new Promise((resolve) => {
      second = wx.request({ url: API + '/echo', complete: resolve });
    });
    second.onHeadersReceived(a);
    second.onHeadersReceived(b);
    second.offHeadersReceived();
    await done2;
    expect(counts).toEqual({ a: 1, b: 0 });
  });

  test('enableChunked: onChunkReceived gets each chunk as an ArrayBuffer, in order, before success', async () => {
    const events = [];
    let task;
    const done = new Promise((resolve) => {
      task = wx.request({
        url: API + '/chunks/3?interval=30',
        enableChunked: true,
        success: (res) => events.push(['success', res.data]),
        complete: resolve,
      });
    });
    task.onHeadersReceived(() => events.push(['headers']));
    task.onChunkReceived((chunk) => events.push(['chunk', String.fromCharCode(...new Uint8Array(chunk.data))]));
    await done;
    expect(events).toEqual([
      ['headers'],
      ['chunk', 'chunk 0\n'],
      ['chunk', 'chunk 1\n'],
      ['chunk', 'chunk 2\n'],
      ['success', 'chunk 0\nchunk 1\nchunk 2\n'],
    ]);
  });

  test('without enableChunked no chunk events; offChunkReceived stops them', async () => {
    let chunks = 0;
    let task;
    let done = new Promise((resolve) => {
      task = wx.request({ url: API + '/chunks/2?interval=10', complete: resolve });
    });
    task.onChunkReceived(() => chunks++);
    await done;
    expect(chunks).toBe(0);
    done = new Promise((resolve) => {
      task = wx.request({ url: API + '/chunks/2?interval=10', enableChunked: true, complete: resolve });
    });
    const listener = () => chunks++;
    task.onChunkReceived(listener);
    task.offChunkReceived(listener);
    await done;
    expect(chunks).toBe(0);
  });
});
