// method_call: the classic method-call benchmark (Toggle / NthToggle).
// Dynamic dispatch, an overriding method and super(...). Size: 20 million calls.
public class method_call {
    static class Toggle {
        boolean state;
        Toggle(boolean startState) { state = startState; }
        boolean value() { return state; }
        Toggle activate() { state = !state; return this; }
    }

    static class NthToggle extends Toggle {
        int countMax, counter;
        NthToggle(boolean startState, int maxCounter) {
            super(startState);
            countMax = maxCounter;
            counter = 0;
        }
        @Override
        Toggle activate() {
            counter += 1;
            if (counter >= countMax) {
                state = !state;
                counter = 0;
            }
            return this;
        }
    }

    static long run(Toggle t, int n) {
        boolean val;
        long trues = 0;
        for (int i = 0; i < n; i++) {
            val = t.activate().value();
            val = t.activate().value();
            val = t.activate().value();
            val = t.activate().value();
            val = t.activate().value();
            val = t.activate().value();
            val = t.activate().value();
            val = t.activate().value();
            val = t.activate().value();
            val = t.activate().value();
            if (val) trues += 1;
        }
        return trues;
    }

    public static void main(String[] args) {
        int n = 500000;
        Toggle toggle = new Toggle(true);
        long trues = run(toggle, n);
        System.out.println(toggle.value() + " " + trues);
        Toggle ntoggle = new NthToggle(true, 3);
        trues = run(ntoggle, n);
        System.out.println(ntoggle.value() + " " + trues);
    }
}
