// Audio contexts play real files by their length: the events come in a phone's order and
// currentTime moves on the run's timers.
const { device } = require('wxrun');

const HERE = 'js-tests/device/audio/sounds/';

afterEach(() => jest.useRealTimers());

// The events of `context` as they fire, until `last` fired.
function events(context, last) {
  const seen = [];
  return new Promise((resolve) => {
    for (const name of ['Canplay', 'Play', 'Pause', 'Stop', 'Ended', 'Error', 'Waiting', 'Seeking', 'Seeked', 'TimeUpdate']) {
      context['on' + name]((payload) => {
        if (name !== 'TimeUpdate' || seen[seen.length - 1] !== 'TimeUpdate') seen.push(name);
        if (name === 'Error') seen.push(payload);
        if (name === last) resolve(seen);
      });
    }
  });
}

test('a local WAV of 0.6 s: canplay, play, time updates, ended, in that order', async () => {
  const audio = wx.createInnerAudioContext();
  expect(audio.paused).toBe(true);
  const seen = events(audio, 'Ended');
  audio.src = HERE + 'beep.wav';
  audio.play();
  expect(await seen).toEqual(['Waiting', 'Canplay', 'Play', 'TimeUpdate', 'Ended']);
  expect(audio.duration).toBeCloseTo(0.6, 6);
  expect(audio.paused).toBe(true);
  expect(audio.currentTime).toBe(0);
  expect(device.callsOf('InnerAudioContext.play')).toHaveLength(1);
  audio.destroy();
});

test('autoplay, pause, seek and stop, with the position they leave', async () => {
  const audio = wx.createInnerAudioContext({ useWebAudioImplement: false });
  audio.autoplay = true;
  const played = events(audio, 'Play');
  audio.src = HERE + 'beep.wav';
  await played;
  audio.pause();
  const seen = events(audio, 'Stop');
  audio.seek(0.3);
  expect(audio.currentTime).toBe(0.3);
  audio.stop();
  expect(await seen).toEqual(['Pause', 'Seeking', 'Seeked', 'Stop']);
  expect(audio.currentTime).toBe(0);
  audio.destroy();
});

test('a 60 s MP3 ends after 60 s of fake time; loop plays on', async () => {
  jest.useFakeTimers();
  const audio = wx.createInnerAudioContext();
  const ready = events(audio, 'Canplay');
  audio.src = HERE + 'song.mp3';
  jest.advanceTimersByTime(0);
  await ready;
  expect(audio.duration).toBe(60);
  let ended = 0;
  const endedOnce = new Promise((resolve) => audio.onEnded(() => resolve(++ended)));
  audio.play();
  jest.advanceTimersByTime(30000);
  expect(audio.currentTime).toBe(30);
  expect(audio.paused).toBe(false);
  jest.advanceTimersByTime(30000);
  expect(await endedOnce).toBe(1);
  expect(audio.paused).toBe(true);
  audio.loop = true;
  audio.play();
  jest.advanceTimersByTime(120000);
  expect(audio.paused).toBe(false);
  expect(audio.currentTime).toBe(0);
  audio.destroy();
  await new Promise((resolve) => wx.nextTick(resolve));
  expect(ended).toBe(1);
});

test('a missing file and a file that is no audio reach onError with their codes', async () => {
  const missing = wx.createInnerAudioContext();
  const failed = events(missing, 'Error');
  missing.src = HERE + 'none.mp3';
  expect((await failed)[1]).toMatchObject({ errCode: 10003 });
  const text = wx.createInnerAudioContext();
  const refused = events(text, 'Error');
  text.src = HERE + 'notes.txt';
  expect((await refused)[1]).toEqual({ errMsg: 'unsupported audio format: ' + HERE + 'notes.txt', errCode: 10004 });
});

test('the background audio manager plays as soon as src is set', async () => {
  const manager = wx.getBackgroundAudioManager();
  expect(wx.getBackgroundAudioManager()).toBe(manager);
  const seen = events(manager, 'Ended');
  manager.title = 'Beep';
  manager.src = HERE + 'beep.wav';
  expect(await seen).toEqual(['Canplay', 'Play', 'TimeUpdate', 'Ended']);
});

test('the recorder records silence into a real file of the recorded length', async () => {
  jest.useFakeTimers();
  const recorder = wx.getRecorderManager();
  const started = new Promise((resolve) => recorder.onStart(resolve));
  const stopped = new Promise((resolve) => recorder.onStop(resolve));
  recorder.start({ format: 'wav', sampleRate: 8000, numberOfChannels: 1 });
  await started;
  jest.advanceTimersByTime(1000);
  recorder.pause();
  jest.advanceTimersByTime(5000);
  recorder.resume();
  jest.advanceTimersByTime(500);
  recorder.stop();
  const { tempFilePath, duration, fileSize } = await stopped;
  expect(duration).toBe(1500);
  expect(tempFilePath).toMatch(/^wxfile:\/\/tmp_\w+\.wav$/);
  expect(fileSize).toBe(44 + 8000 * 2 * 1.5);
  expect(wx.getFileSystemManager().statSync(tempFilePath).size).toBe(fileSize);
  // It plays for as long as it was recorded.
  jest.useRealTimers();
  const audio = wx.createInnerAudioContext();
  const ready = new Promise((resolve) => audio.onCanplay(resolve));
  audio.src = tempFilePath;
  await ready;
  expect(audio.duration).toBe(1.5);
});

test('the recording stops by itself at its duration, and a second start is an error', async () => {
  jest.useFakeTimers();
  const recorder = wx.getRecorderManager();
  const errors = [];
  recorder.onError((error) => errors.push(error.errMsg));
  const stopped = new Promise((resolve) => recorder.onStop(resolve));
  recorder.start({ duration: 2000 });
  recorder.start({});
  jest.advanceTimersByTime(2500);
  const { duration, tempFilePath } = await stopped;
  expect(duration).toBe(2000);
  expect(tempFilePath).toMatch(/\.aac$/);
  expect(errors).toEqual(['operateRecorder:fail the recorder is already recording']);
});
