// Audio (docs/device.md#audio): InnerAudioContext and the BackgroundAudioManager play real
// files by their length, read from the file (WAV, MP3, AAC, M4A; a network src is downloaded
// first under downloadFile's rules, a path without wxfile:// is a file of the code package).
// Nothing is heard: playback is a clock that moves currentTime in steps of 250 ms on the run's
// timers (Jest's fake timers move it too), firing the events a phone fires in its order.
(function (core) {
  'use strict';
  const { define, native } = core;
  const sim = core.layerExports('simulated');

  // How often onTimeUpdate fires while playing (chosen; phones fire about 4 times a second).
  const TICK_MS = 250;

  // The length of `src` in seconds, as a Promise of [seconds] or of a fail reason with errCode.
  function measure(src) {
    const local = (path) => {
      try {
        const seconds = native.media.audioLength(path, core.app.root);
        if (seconds === undefined) return { failure: core.fail('', 'audioFormat', src) };
        return { seconds };
      } catch (error) {
        return { failure: core.fail('', 'audioFile', error.message) };
      }
    };
    if (!/^https?:\/\//i.test(src)) return Promise.resolve(local(src));
    return new Promise((resolve) => {
      wx.downloadFile({
        url: src,
        success: (result) => resolve(local(result.tempFilePath)),
        fail: (result) => resolve({ failure: core.fail('', 'audioNetwork', result.errMsg) }),
      });
    });
  }

  // onError's payload: the reason of a failure built for no API, and its errCode.
  const errorOf = (failure) => ({ errMsg: failure.errMsg.slice(failure.errMsg.indexOf(' ') + 1), errCode: failure.errCode });

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
          fire('onError', errorOf(measured.failure));
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
