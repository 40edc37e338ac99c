# method_call: the classic method-call benchmark (Toggle / NthToggle).
# Dynamic dispatch of small methods, an overriding method in a subclass and
# super().__init__. Size: 500,000 x 10 x 2 classes (20 million calls).


class Toggle:
    def __init__(self, start_state):
        self.state = start_state

    def value(self):
        return self.state

    def activate(self):
        self.state = not self.state
        return self


class NthToggle(Toggle):
    def __init__(self, start_state, max_counter):
        super().__init__(start_state)
        self.count_max = max_counter
        self.counter = 0

    def activate(self):
        self.counter += 1
        if self.counter >= self.count_max:
            self.state = not self.state
            self.counter = 0
        return self


def main():
    n = 500000
    val = True
    toggle = Toggle(val)
    trues = 0
    for i in range(n):
        val = toggle.activate().value()
        val = toggle.activate().value()
        val = toggle.activate().value()
        val = toggle.activate().value()
        val = toggle.activate().value()
        val = toggle.activate().value()
        val = toggle.activate().value()
        val = toggle.activate().value()
        val = toggle.activate().value()
        val = toggle.activate().value()
        if val:
            trues += 1
    print("%s %d" % ("true" if toggle.value() else "false", trues))

    val = True
    ntoggle = NthToggle(val, 3)
    trues = 0
    for i in range(n):
        val = ntoggle.activate().value()
        val = ntoggle.activate().value()
        val = ntoggle.activate().value()
        val = ntoggle.activate().value()
        val = ntoggle.activate().value()
        val = ntoggle.activate().value()
        val = ntoggle.activate().value()
        val = ntoggle.activate().value()
        val = ntoggle.activate().value()
        val = ntoggle.activate().value()
        if val:
            trues += 1
    print("%s %d" % ("true" if ntoggle.value() else "false", trues))


main()
