// Audio (docs/device.md#audio): InnerAudioContext and the BackgroundAudioManager play real
// files by their length, read from the file (WAV, MP3, AAC, M4A; a network src is downloaded
// first under downloadFile's rules, a path without wxfile:// is a file of the code package).
// Nothing is heard: playback is a clock that moves currentTime in steps of 250 ms on the run's
// timers (Jest's fake timers move it too), firing the events a phone fires in its order. The
// recorder records silence into real files.
(function (core) {
  'use strict';
  const { define, native } = core;
  const sim = core.layerExports('simulated');

  // How often onTimeUpdate fires while playing (chosen; phones fire about 4 times a second).
  const TICK_MS = 250;

  // onError's payload for catalogue entry `key`: its text as errMsg, and its errCode.
  function audioError(key, detail) {
    const [reason, , errCode] = native.failure(key, [core.text(detail)]);
    return { errMsg: reason, errCode };
  }

  // The length of `src` in seconds, as a Promise of { seconds } or { failure } (onError's payload).
  function measure(src) {
    const local = (path) => {
      try {
        const seconds = native.media.audioLength(path, core.app.root);
        if (seconds === undefined) return { failure: audioError('audioFormat', src) };
        return { seconds };
      } catch (error) {
        return { failure: audioError('audioFile', error.message) };
      }
    };
    if (!/^https?:\/\//i.test(src)) return Promise.resolve(local(src));
    return new Promise((resolve) => {
      wx.downloadFile({
        url: src,
        success: (result) => resolve(local(result.tempFilePath)),
        fail: (result) => resolve({ failure: audioError('audioNetwork', result.errMsg) }),
      });
    });
  }

  // Playback of one object (`name` its interface); `autoplayOnSrc` for the background manager,
  // which plays as soon as src is set.
  function makePlayer(object, name, { autoplayOnSrc }) {
    const fire = (event, payload) => sim.fire(object, event, payload || {});
    const state = { src: '', duration: 0, position: 0, paused: true, ready: false, loading: 0, timer: null, wantsPlay: false, destroyed: false };

    const stopClock = () => {
      if (state.timer !== null) clearTimeout(state.timer);
      state.timer = null;
    };
    const tick = () => {
      state.timer = null;
      if (state.paused || state.destroyed) return;
      state.position = Math.min(state.duration, state.position + (TICK_MS / 1000) * rate());
      fire('onTimeUpdate');
      if (state.position >= state.duration) {
        if (object.loop) {
          state.position = 0;
        } else {
          state.paused = true;
          state.position = 0;
          fire('onEnded');
          return;
        }
      }
      state.timer = setTimeout(tick, TICK_MS);
    };
    const rate = () => {
      const value = Number(object.playbackRate);
      return value >= 0.5 && value <= 2 ? value : 1;
    };
    const start = () => {
      if (state.destroyed || !state.paused) return;
      state.paused = false;
      fire('onPlay');
      stopClock();
      state.timer = setTimeout(tick, TICK_MS);
    };

    function load(src) {
      stopClock();
      const generation = ++state.loading;
      Object.assign(state, { src, duration: 0, position: 0, paused: true, ready: false });
      if (src === '') return;
      measure(src).then((measured) => {
        if (generation !== state.loading || state.destroyed) return;
        if (measured.failure) {
          state.wantsPlay = false;
          fire('onError', measured.failure);
          return;
        }
        state.duration = measured.seconds;
        state.position = Math.min(Number(object.startTime) || 0, state.duration);
        state.ready = true;
        fire('onCanplay');
        if (state.wantsPlay || object.autoplay || autoplayOnSrc) {
          state.wantsPlay = false;
          start();
        }
      });
    }

    Object.defineProperties(object, {
      src: {
        get: () => state.src,
        set: (value) => load(core.text(value)),
        enumerable: true,
      },
      duration: { get: () => state.duration, enumerable: true },
      currentTime: { get: () => state.position, enumerable: true },
      paused: { get: () => state.paused, enumerable: true },
      buffered: { get: () => state.duration, enumerable: true },
    });

    return {
      play() {
        sim.record(name + '.play', [], undefined);
        if (state.destroyed) return;
        if (!state.ready) {
          // Plays once loaded; a phone shows it waiting meanwhile.
          if (state.src !== '') {
            state.wantsPlay = true;
            fire('onWaiting');
          }
          return;
        }
        start();
      },
      pause() {
        sim.record(name + '.pause', [], undefined);
        if (state.paused || state.destroyed) return;
        state.paused = true;
        stopClock();
        fire('onPause');
      },
      stop() {
        sim.record(name + '.stop', [], undefined);
        if (state.destroyed) return;
        state.wantsPlay = false;
        state.paused = true;
        state.position = 0;
        stopClock();
        fire('onStop');
      },
      seek(position) {
        sim.record(name + '.seek', [position], undefined);
        if (state.destroyed) return;
        const to = Number(position);
        if (!Number.isFinite(to)) return;
        fire('onSeeking');
        state.position = Math.max(0, Math.min(state.ready ? state.duration : to, to));
        fire('onSeeked');
      },
      destroy() {
        sim.record(name + '.destroy', [], undefined);
        state.destroyed = true;
        state.paused = true;
        state.loading++;
        stopClock();
      },
    };
  }

  define('createInnerAudioContext', (option) => {
    sim.record('createInnerAudioContext', [option], undefined);
    const context = sim.instance('InnerAudioContext', { owner: 'createInnerAudioContext' });
    Object.assign(context, makePlayer(context, 'InnerAudioContext', { autoplayOnSrc: false }));
    return context;
  });

  // The recorder: the microphone hears silence. start() asks for scope.record, onStart fires,
  // and stop() (or the `duration` limit: 60 s by default, at most 10 minutes, documented) writes
  // a temp file of that much silence (16-bit PCM WAV whatever `format` asks; the extension is
  // the format's) and fires onStop with its path, length and size.
  const MAX_RECORDING_MS = 600000;
  let recorder = null;
  define('getRecorderManager', () => {
    sim.record('getRecorderManager', [], undefined);
    if (recorder) return recorder;
    const manager = sim.instance('RecorderManager', { owner: 'getRecorderManager' });
    const fire = (event, payload) => sim.fire(manager, event, payload || {});
    let session = null;
    const elapsed = () => session.recorded + (session.since === null ? 0 : Date.now() - session.since);
    function finish() {
      const { options } = session;
      clearTimeout(session.limit);
      const millis = Math.min(elapsed(), options.duration);
      session = null;
      const extension = ['mp3', 'wav', 'pcm'].includes(String(options.format).toLowerCase()) ? String(options.format).toLowerCase() : 'aac';
      const [tempFilePath, size] = native.media.recordSilence(millis, Number(options.sampleRate) || 8000, Number(options.numberOfChannels) || 2, extension);
      fire('onStop', { tempFilePath, duration: millis, fileSize: size });
    }
    Object.assign(manager, {
      start(option) {
        sim.record('RecorderManager.start', [option], option);
        if (session) return fire('onError', { errMsg: core.fail('operateRecorder', 'recorderBusy').errMsg });
        const denied = sim.askScope('operateRecorder', 'scope.record');
        if (denied) return fire('onError', { errMsg: denied.errMsg });
        const options = Object.assign({ duration: 60000, format: 'aac' }, option);
        options.duration = Math.min(Number(options.duration) > 0 ? Number(options.duration) : 60000, MAX_RECORDING_MS);
        session = { options, recorded: 0, since: Date.now(), limit: null };
        session.limit = setTimeout(() => session && finish(), options.duration);
        fire('onStart');
      },
      pause() {
        sim.record('RecorderManager.pause', [], undefined);
        if (!session || session.since === null) return;
        session.recorded = elapsed();
        session.since = null;
        clearTimeout(session.limit);
        fire('onPause');
      },
      resume() {
        sim.record('RecorderManager.resume', [], undefined);
        if (!session || session.since !== null) return;
        session.since = Date.now();
        session.limit = setTimeout(() => session && finish(), session.options.duration - session.recorded);
        fire('onResume');
      },
      stop() {
        sim.record('RecorderManager.stop', [], undefined);
        if (session) finish();
      },
    });
    recorder = manager;
    return manager;
  });

  // One manager per run, playing as soon as src is set (documented).
  let background = null;
  define('getBackgroundAudioManager', () => {
    sim.record('getBackgroundAudioManager', [], undefined);
    if (background) return background;
    background = sim.instance('BackgroundAudioManager', { owner: 'getBackgroundAudioManager' });
    Object.assign(background, makePlayer(background, 'BackgroundAudioManager', { autoplayOnSrc: true }));
    return background;
  });
})
