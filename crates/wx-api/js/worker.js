// wx.createWorker (docs/device.md#workers): a real second runtime on its own thread (Rust:
// src/worker.rs). One worker at a time, as on phones; messages are JSON-serialisable values and
// reach the other side's onMessage listeners as their own macrotasks.
(function (core) {
  'use strict';
  const { native, define, newTaskId, setTaskHandler, forgetTask, invoke, internals } = core;
  const workers = native.worker;

  // The worker not yet terminated, if any.
  let current = null;

  // A worker a phone would not start: the call still returns a Worker, which does nothing.
  function refuse(key, details, site) {
    internals.warn(key === 'workerLimit' ? 'worker-limit' : 'worker-script', 'wx.' + core.fail('createWorker', key, ...details).errMsg, site);
  }

  class Worker {
    #id;
    #alive;
    #message = [];
    #killed = [];
    #error = [];

    constructor(id, alive) {
      this.#id = id;
      this.#alive = alive;
      if (!alive) return;
      setTaskHandler(id, (type, payload) => {
        if (type === 'message') {
          const message = JSON.parse(payload);
          for (const listener of this.#message.slice()) invoke('Worker.onMessage', listener, message);
        } else if (type === 'killed') {
          // Killed is ended: a new worker may start from the listeners on.
          this.#end();
          for (const listener of this.#killed.slice()) invoke('Worker.onProcessKilled', listener, {});
        } else if (type === 'exit' || type === 'failed') {
          this.#end();
          if (payload === 'uncaught') {
            const errMsg = core.fail('createWorker', 'workerUncaught').errMsg;
            // With an onError listener the app handles it; without, the run counts it.
            if (this.#error.length) for (const listener of this.#error.slice()) invoke('Worker.onError', listener, { error: errMsg });
            else internals.printError(errMsg);
          } else if (type === 'failed') internals.printError(core.fail('createWorker', 'workerNotStarted', payload).errMsg);
        }
      });
    }

    // Ends this side: the worker is stopped (if it still runs) and forgotten.
    #end() {
      if (!this.#alive) return;
      this.#alive = false;
      workers.terminate(this.#id);
      forgetTask(this.#id);
      if (current === this) current = null;
    }

    postMessage(message) {
      if (!this.#alive) return;
      let json;
      try {
        json = JSON.stringify(message === undefined ? null : message);
      } catch (error) {
        internals.reportCallbackError(error, 'Worker.postMessage');
        return;
      }
      workers.post(this.#id, json);
    }

    onMessage(listener) {
      if (typeof listener === 'function') this.#message.push(listener);
    }

    onError(listener) {
      if (typeof listener === 'function') this.#error.push(listener);
    }

    get env() {
      return { USER_DATA_PATH: 'wxfile://usr' };
    }

    onProcessKilled(listener) {
      if (typeof listener === 'function') this.#killed.push(listener);
    }

    terminate() {
      if (!this.#alive) return;
      if (core.tracing.on) core.trace('worker', 'Worker.terminate');
      this.#end();
    }

    // Only the worker's own `worker` object rehearses being killed.
    testOnProcessKilled() {}

    // Camera frames go to a worker only with a camera; none is attached.
    getCameraFrameData() {
      return undefined;
    }
  }

  define('createWorker', (scriptPath) => {
    const id = newTaskId();
    const site = internals.captureSite();
    if (current) {
      refuse('workerLimit', [], site);
      return new Worker(id, false);
    }
    if (core.tracing.on) core.trace('worker', 'createWorker ' + core.text(scriptPath));
    const refused = workers.create(id, core.text(scriptPath), core.app.root);
    if (refused) {
      refuse(refused[0], refused.slice(1), site);
      return new Worker(id, false);
    }
    current = new Worker(id, true);
    return current;
  });
})
