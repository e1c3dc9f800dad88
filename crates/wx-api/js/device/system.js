// The phone itself: system settings and authorizations from the device profile, the capsule
// button, the battery, the screen's brightness and keep-on switch, vibration, the clipboard
// and the code scanner (cancelled unless a script answers it). What changes is kept in the
// device's state (docs/device.md).
(function (core) {
  'use strict';
  const { define } = core;
  const sim = core.layerExports('simulated');
  const { state } = sim;

  sim.keep('clipboard', '');
  sim.keep('screenBrightness', 0.5);
  sim.keep('keepScreenOn', false);
  sim.keep('vibrations', () => ({ short: 0, long: 0 }));

  const pick = (info, keys) => {
    const out = {};
    for (const key of keys) out[key] = info[key];
    return out;
  };

  define('getSystemSetting', () => sim.respondSync('getSystemSetting', [], {
    byDefault: () => pick(core.systemInfo(), ['bluetoothEnabled', 'locationEnabled', 'wifiEnabled', 'deviceOrientation']),
  }));

  // The same switches as getSystemInfo's booleans, as the platform words them.
  const AUTHORIZE_KEYS = ['albumAuthorized', 'bluetoothAuthorized', 'cameraAuthorized', 'locationAuthorized', 'microphoneAuthorized', 'notificationAuthorized', 'notificationAlertAuthorized', 'notificationBadgeAuthorized', 'notificationSoundAuthorized', 'phoneCalendarAuthorized'];
  define('getAppAuthorizeSetting', () => sim.respondSync('getAppAuthorizeSetting', [], {
    byDefault: () => {
      const info = core.systemInfo();
      const out = {};
      for (const key of AUTHORIZE_KEYS) out[key] = info[key] ? 'authorized' : 'not determined';
      out.locationReducedAccuracy = info.locationReducedAccuracy;
      return out;
    },
  }));

  // The capsule (menu button) at the top right of the window, 87 x 32, 4 below the status
  // bar and 10 from the right edge.
  define('getMenuButtonBoundingClientRect', () => sim.respondSync('getMenuButtonBoundingClientRect', [], {
    byDefault: () => {
      const info = core.systemInfo();
      const top = info.statusBarHeight + 4;
      const right = info.windowWidth - 10;
      return { width: 87, height: 32, top, bottom: top + 32, left: right - 87, right };
    },
  }));

  define('getRendererUserAgent', (options) => sim.respondAsync('getRendererUserAgent', options, { byDefault: () => sim.profile().userAgent }));

  // A phone on its charger.
  const battery = () => ({ level: 100, isCharging: true, isLowPowerModeEnabled: false });
  define('getBatteryInfo', (options) => sim.respondAsync('getBatteryInfo', options, { byDefault: battery }));
  define('getBatteryInfoSync', () => sim.respondSync('getBatteryInfoSync', [], { byDefault: battery }));

  define('getScreenBrightness', (options) => sim.respondAsync('getScreenBrightness', options, { byDefault: () => ({ value: state.screenBrightness }) }));
  define('setScreenBrightness', (options) => sim.respondAsync('setScreenBrightness', options, {
    onAnswered: (result, opts) => {
      state.screenBrightness = opts.value;
    },
  }));
  define('setKeepScreenOn', (options) => sim.respondAsync('setKeepScreenOn', options, {
    onAnswered: (result, opts) => {
      state.keepScreenOn = opts.keepScreenOn;
    },
  }));

  // The typings require `type` from 2.13.0, yet phones still vibrate without one: not checked.
  define('vibrateShort', (options) => sim.respondAsync('vibrateShort', options, {
    entry: null,
    onAnswered: () => {
      state.vibrations.short += 1;
    },
  }));
  define('vibrateLong', (options) => sim.respondAsync('vibrateLong', options, {
    onAnswered: () => {
      state.vibrations.long += 1;
    },
  }));

  define('getClipboardData', (options) => sim.respondAsync('getClipboardData', options, { byDefault: () => ({ data: state.clipboard }) }));
  // The client confirms a copy with a toast of its own.
  define('setClipboardData', (options) => sim.respondAsync('setClipboardData', options, {
    onAnswered: (result, opts) => {
      state.clipboard = opts.data;
      state.toast = { title: '内容已复制', icon: 'success', duration: 1500 };
    },
  }));

  define('scanCode', (options) => sim.respondAsync('scanCode', options, { byDefault: () => core.fail('scanCode', 'userCancel') }));
})
