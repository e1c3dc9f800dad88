// mDNS discovery (spec section 10): one scan at a time, stopping by itself, reporting only
// services on the device's LAN.
(function (core) {
  'use strict';
  const { native, define, failResult, okResult, asyncCall, newTaskId, setTaskHandler, forgetTask, ListenerList } = core;

  const listeners = {
    found: new ListenerList('onLocalServiceFound'),
    lost: new ListenerList('onLocalServiceLost'),
    resolveFail: new ListenerList('onLocalServiceResolveFail'),
    stop: new ListenerList('onLocalServiceDiscoveryStop'),
  };
  let scan = null;

  define('startLocalServiceDiscovery', (options) => {
    const api = 'startLocalServiceDiscovery';
    const opts = options !== null && typeof options === 'object' ? options : {};
    return asyncCall(
      api,
      options,
      (settle) => {
        const serviceType = opts.serviceType;
        if (typeof serviceType !== 'string' || serviceType === '') return settle(false, core.fail(api, 'mdnsInvalidParam'));
        if (scan) return settle(false, core.fail(api, 'mdnsScanExists'));
        const id = newTaskId();
        const current = { id, serviceType };
        setTaskHandler(id, (kind, a, b, c) => {
          if (core.tracing.on) core.trace('mdns', serviceType + ' ' + kind + (a ? ' ' + a : '') + (b ? ' ' + b + ':' + c : ''));
          switch (kind) {
            case 'found':
              listeners.found.emit({ serviceType, serviceName: a, ip: b, port: c });
              break;
            case 'lost':
              listeners.lost.emit({ serviceType, serviceName: a });
              break;
            case 'resolveFail':
              listeners.resolveFail.emit({ serviceType, serviceName: a });
              break;
            case 'stop':
              if (scan === current) scan = null;
              forgetTask(id);
              listeners.stop.emit({});
              break;
          }
        });
        const error = native.mdnsStart(id, serviceType);
        if (error) {
          forgetTask(id);
          return settle(false, failResult(api, error));
        }
        scan = current;
        if (core.tracing.on) core.trace('mdns', 'start ' + serviceType);
        settle(true, okResult(api, {}));
      },
      { promise: true },
    );
  });

  define('stopLocalServiceDiscovery', (options) => {
    const api = 'stopLocalServiceDiscovery';
    return asyncCall(
      api,
      options,
      (settle) => {
        if (!scan) return settle(false, core.fail(api, 'mdnsTaskNotFound'));
        scan = null;
        native.mdnsStop();
        settle(true, okResult(api, {}));
      },
      { promise: true },
    );
  });

  for (const [kind, name] of [['found', 'LocalServiceFound'], ['lost', 'LocalServiceLost'], ['resolveFail', 'LocalServiceResolveFail'], ['stop', 'LocalServiceDiscoveryStop']]) {
    define('on' + name, (fn) => listeners[kind].on(fn));
    define('off' + name, (fn) => listeners[kind].off(fn));
  }
})
