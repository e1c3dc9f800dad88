// What code asks of the rendered page. wxrun renders nothing, so a selector query finds
// every selected node as an empty box at the top-left (selectAll finds none) and the viewport
// as the window; an intersection observer never sees a change; an animation builds and
// exports its steps as the view layer would receive them.
(function (core) {
  'use strict';
  const { define, later, invoke } = core;
  const sim = core.layerExports('simulated');

  const window = () => {
    const info = core.systemInfo();
    return { width: info.windowWidth, height: info.windowHeight };
  };
  // `#name` selects the node whose id is name.
  const idOf = (selector) => (/^#[\w-]+$/.test(selector) ? selector.slice(1) : '');

  // The answer for one request: `target` is {selector, all} or {viewport: true}.
  function measure(target, kind, fields) {
    const size = window();
    const box = target.viewport
      ? { left: 0, top: 0, right: size.width, bottom: size.height, width: size.width, height: size.height }
      : { left: 0, top: 0, right: 0, bottom: 0, width: 0, height: 0 };
    const scroll = { scrollLeft: 0, scrollTop: 0, scrollWidth: box.width, scrollHeight: box.height };
    const node = () => {
      const base = { id: target.viewport ? '' : idOf(target.selector), dataset: {} };
      switch (kind) {
        case 'boundingClientRect':
          return Object.assign(base, box);
        case 'scrollOffset':
          return Object.assign(base, scroll);
        case 'fields': {
          const out = {};
          if (fields.id) out.id = base.id;
          if (fields.dataset) out.dataset = {};
          if (fields.rect) Object.assign(out, { left: box.left, top: box.top, right: box.right, bottom: box.bottom });
          if (fields.size) Object.assign(out, { width: box.width, height: box.height });
          if (fields.scrollOffset) Object.assign(out, scroll);
          if (Array.isArray(fields.properties)) for (const name of fields.properties) out[name] = null;
          if (Array.isArray(fields.computedStyle)) for (const name of fields.computedStyle) out[name] = '';
          if (fields.node) out.node = null;
          if (fields.context) out.context = null;
          return out;
        }
        case 'node':
          return { node: null };
        case 'context':
          return { context: null };
        default:
          return { ref: null };
      }
    };
    return target.all ? [] : node();
  }

  function createQuery() {
    const requests = [];
    let query = null;
    const nodesRef = (target) => {
      const request = (kind) => function (...args) {
        const fields = kind === 'fields' ? args[0] || {} : null;
        const callback = kind === 'fields' ? args[1] : args[0];
        sim.record('NodesRef.' + kind, args, undefined);
        requests.push({ target, kind, fields, callback });
        return query;
      };
      return sim.instance('NodesRef', {
        owner: 'createSelectorQuery',
        methods: {
          boundingClientRect: request('boundingClientRect'),
          scrollOffset: request('scrollOffset'),
          fields: request('fields'),
          node: request('node'),
          context: request('context'),
          ref: request('ref'),
        },
      });
    };
    query = sim.instance('SelectorQuery', {
      owner: 'createSelectorQuery',
      methods: {
        in() {
          sim.record('SelectorQuery.in', [], undefined);
          return query;
        },
        select(selector) {
          sim.record('SelectorQuery.select', [selector], undefined);
          return nodesRef({ selector: String(selector), all: false });
        },
        selectAll(selector) {
          sim.record('SelectorQuery.selectAll', [selector], undefined);
          return nodesRef({ selector: String(selector), all: true });
        },
        selectViewport() {
          sim.record('SelectorQuery.selectViewport', [], undefined);
          return nodesRef({ viewport: true });
        },
        // Each request's callback with its answer, then the exec callback with all of them in
        // request order, as one macrotask. The requests stay for the next exec.
        exec(callback) {
          const call = sim.record('SelectorQuery.exec', [], undefined);
          const pending = requests.slice();
          later(() => {
            const results = pending.map((request) => measure(request.target, request.kind, request.fields));
            call.result = results;
            pending.forEach((request, i) => invoke('SelectorQuery.exec', request.callback, results[i]));
            invoke('SelectorQuery.exec', callback, results);
          });
          return nodesRef({ viewport: true });
        },
      },
    });
    return query;
  }
  define('createSelectorQuery', () => {
    sim.record('createSelectorQuery', [], undefined);
    return createQuery();
  });

  // Nothing moves on an empty page: the observer never calls back.
  define('createIntersectionObserver', (...args) => {
    sim.record('createIntersectionObserver', args, undefined);
    return sim.instance('IntersectionObserver', { owner: 'createIntersectionObserver' });
  });

  // Animation: transform and style calls gather into the current step; step(options) closes
  // it with its timing; export() hands over the closed steps and forgets them.
  const LENGTHS = ['width', 'height', 'left', 'right', 'top', 'bottom'];
  const STYLES = LENGTHS.concat(['opacity', 'backgroundColor']);
  define('createAnimation', (option) => {
    const base = Object.assign({ duration: 400, timingFunction: 'linear', delay: 0, transformOrigin: '50% 50% 0' }, core.isPlainObject(option) ? option : {});
    sim.record('createAnimation', [option], undefined);
    let current = [];
    let actions = [];
    const methods = {
      step(stepOption) {
        const merged = Object.assign({}, base, core.isPlainObject(stepOption) ? stepOption : {});
        actions.push({
          animates: current,
          option: {
            transformOrigin: merged.transformOrigin,
            transition: { duration: merged.duration, timingFunction: merged.timingFunction, delay: merged.delay },
          },
        });
        current = [];
        return animation;
      },
      export() {
        const exported = { actions };
        actions = [];
        return exported;
      },
    };
    for (const name of Object.keys(sim.interfaceOf('Animation').methods)) {
      if (name in methods) continue;
      methods[name] = STYLES.includes(name)
        ? (value) => {
          const css = name.replace(/[A-Z]/g, (letter) => '-' + letter.toLowerCase());
          current.push({ type: 'style', args: [css, LENGTHS.includes(name) && typeof value === 'number' ? value + 'px' : value] });
          return animation;
        }
        : (...args) => {
          current.push({ type: name, args: args.filter((arg) => arg !== undefined) });
          return animation;
        };
    }
    const animation = sim.instance('Animation', { methods, owner: 'createAnimation' });
    return animation;
  });
})
