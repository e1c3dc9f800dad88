// The global `worker` of a worker thread (wx.createWorker): postMessage to the main thread,
// onMessage for what it sends, `env`, and testOnProcessKilled to rehearse the system killing an
// experimental worker. Messages cross as JSON text. Returns the function the Rust side calls
// with each message from the main thread.
(function (native) {
  'use strict';
  const listeners = [];
  const worker = {
    env: { USER_DATA_PATH: 'wxfile://usr' },
    postMessage(message) {
      native.post(JSON.stringify(message === undefined ? null : message));
    },
    onMessage(listener) {
      if (typeof listener === 'function') listeners.push(listener);
    },
    testOnProcessKilled() {
      native.killed();
    },
  };
  Object.defineProperty(globalThis, 'worker', { value: worker, enumerable: false, configurable: true, writable: true });
  return function deliver(json) {
    const message = JSON.parse(json);
    for (const listener of listeners.slice()) listener(message);
  };
})
