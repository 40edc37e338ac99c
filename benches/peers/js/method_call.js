// method_call: the classic method-call benchmark (Toggle / NthToggle).
// Dynamic dispatch, an overriding method and super(). Size: 20 million calls.
class Toggle {
  constructor(startState) { this.state = startState; }
  value() { return this.state; }
  activate() {
    this.state = !this.state;
    return this;
  }
}

class NthToggle extends Toggle {
  constructor(startState, maxCounter) {
    super(startState);
    this.countMax = maxCounter;
    this.counter = 0;
  }
  activate() {
    this.counter += 1;
    if (this.counter >= this.countMax) {
      this.state = !this.state;
      this.counter = 0;
    }
    return this;
  }
}

function main() {
  const n = 500000;
  let val = true;
  const toggle = new Toggle(val);
  let trues = 0;
  for (let i = 0; i < n; i++) {
    val = toggle.activate().value();
    val = toggle.activate().value();
    val = toggle.activate().value();
    val = toggle.activate().value();
    val = toggle.activate().value();
    val = toggle.activate().value();
    val = toggle.activate().value();
    val = toggle.activate().value();
    val = toggle.activate().value();
    val = toggle.activate().value();
    if (val) trues += 1;
  }
  console.log(`${toggle.value()} ${trues}`);

  val = true;
  const ntoggle = new NthToggle(val, 3);
  trues = 0;
  for (let i = 0; i < n; i++) {
    val = ntoggle.activate().value();
    val = ntoggle.activate().value();
    val = ntoggle.activate().value();
    val = ntoggle.activate().value();
    val = ntoggle.activate().value();
    val = ntoggle.activate().value();
    val = ntoggle.activate().value();
    val = ntoggle.activate().value();
    val = ntoggle.activate().value();
    val = ntoggle.activate().value();
    if (val) trues += 1;
  }
  console.log(`${ntoggle.value()} ${trues}`);
}

main();
