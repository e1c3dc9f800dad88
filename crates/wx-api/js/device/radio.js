// The radios of a phone with its adapters off, answering with their documented errCodes:
// Bluetooth switched off (the module counts as opened after openBluetoothAdapter fails, as
// the docs say), Wi-Fi switched off, NFC and HCE not available (an iPhone), iBeacon without
// Bluetooth. No device, network or tag is ever found, so no event fires unless a script
// emits one.
(function (core) {
  'use strict';
  const { define } = core;
  const sim = core.layerExports('simulated');
  const { state } = sim;

  sim.keep('bluetoothOpened', false);
  sim.keep('wifiStarted', false);

  const answer = (api, byDefault, onAnswered) => define(api, (options) => sim.respondAsync(api, options, { byDefault, onAnswered }));

  // Bluetooth. Opening fails (adapter off; iOS adds state 4, "powered off") yet initialises
  // the module, as the docs say; before that every other call answers "not init".
  answer('openBluetoothAdapter', () => {
    state.bluetoothOpened = true;
    return Object.assign(core.fail('openBluetoothAdapter', 'bluetoothNotAvailable'), { state: 4 });
  });
  const opened = (api, whenOpen) => () => {
    if (!state.bluetoothOpened) return core.fail(api, 'bluetoothNotInit');
    return whenOpen ? whenOpen() : core.fail(api, 'bluetoothNotAvailable');
  };
  answer('closeBluetoothAdapter', opened('closeBluetoothAdapter', () => ({})), () => {
    state.bluetoothOpened = false;
  });
  answer('getBluetoothAdapterState', opened('getBluetoothAdapterState', () => ({ available: false, discovering: false })));
  for (const api of ['startBluetoothDevicesDiscovery', 'stopBluetoothDevicesDiscovery', 'getBluetoothDevices', 'getConnectedBluetoothDevices', 'isBluetoothDevicePaired', 'makeBluetoothPair', 'createBLEConnection', 'closeBLEConnection', 'createBLEPeripheralServer', 'getBLEDeviceCharacteristics', 'getBLEDeviceRSSI', 'getBLEDeviceServices', 'getBLEMTU', 'setBLEMTU', 'notifyBLECharacteristicValueChange', 'readBLECharacteristicValue', 'writeBLECharacteristicValue']) {
    answer(api, opened(api));
  }

  // Wi-Fi: the module starts and stops; with the switch off nothing connects or is listed.
  answer('startWifi', () => ({ errCode: 0 }), () => {
    state.wifiStarted = true;
  });
  answer('stopWifi', () => (state.wifiStarted ? { errCode: 0 } : core.fail('stopWifi', 'wifiNotInit')), () => {
    state.wifiStarted = false;
  });
  const started = (api, key) => () => core.fail(api, state.wifiStarted ? key : 'wifiNotInit');
  answer('connectWifi', started('connectWifi', 'wifiSwitchedOff'));
  answer('getWifiList', started('getWifiList', 'wifiSwitchedOff'));
  answer('setWifiList', started('setWifiList', 'wifiSwitchedOff'));
  answer('getConnectedWifi', started('getConnectedWifi', 'wifiNotConnected'));

  // NFC and HCE: the adapter object exists; nothing it does is supported on this phone.
  const unsupported = (api) => () => core.fail(api, 'nfcUnsupported');
  for (const api of ['getHCEState', 'startHCE', 'stopHCE', 'sendHCEMessage']) answer(api, unsupported(api));
  const TAGS = ['IsoDep', 'MifareClassic', 'MifareUltralight', 'Ndef', 'NfcA', 'NfcB', 'NfcF', 'NfcV'];
  function nfcObject(name) {
    const defaults = {};
    for (const method of Object.keys(sim.interfaceOf(name).methods)) defaults[method] = unsupported(name + '.' + method);
    const methods = {};
    if (name === 'NFCAdapter') {
      for (const tag of TAGS) {
        methods['get' + tag] = function () {
          sim.record('NFCAdapter.get' + tag, [], undefined);
          return nfcObject(tag);
        };
      }
    }
    return sim.instance(name, { defaults, methods, owner: 'getNFCAdapter' });
  }
  define('getNFCAdapter', () => {
    sim.record('getNFCAdapter', [], undefined);
    return nfcObject('NFCAdapter');
  });

  // iBeacon needs Bluetooth.
  answer('startBeaconDiscovery', () => core.fail('startBeaconDiscovery', 'beaconBluetoothUnavailable'));
  answer('stopBeaconDiscovery', () => core.fail('stopBeaconDiscovery', 'beaconNotStarted'));
  answer('getBeacons', () => ({ beacons: [] }));
})
