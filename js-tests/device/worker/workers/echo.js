// The worker of worker.test.js: echoes what the main thread sends, by the rules the message
// asks for.
const { tag } = require('./tag');

worker.onMessage((message) => {
  if (message.later) {
    setTimeout(() => worker.postMessage({ echoed: message, tag, late: true }), 20);
    return;
  }
  if (message.spin) {
    worker.postMessage({ spinning: true });
    for (;;);
  }
  if (message.kill) worker.testOnProcessKilled();
  if (message.crash) throw new Error('the worker broke');
  worker.postMessage({ echoed: message, tag });
});

worker.postMessage({ ready: true, userDataPath: worker.env.USER_DATA_PATH, wx: typeof wx, require: typeof require });
