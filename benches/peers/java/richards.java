// richards: Martin Richards' OS task-dispatcher simulation, after the V8
// benchmark suite's richards.js (objects, method calls, field access, linked
// lists, bit operations). Size: 200 runs with COUNT = 1000 idle-task ticks.
public class richards {
    static final int ID_IDLE = 0, ID_WORKER = 1, ID_HANDLER_A = 2, ID_HANDLER_B = 3;
    static final int ID_DEVICE_A = 4, ID_DEVICE_B = 5, NUMBER_OF_IDS = 6;
    static final int KIND_DEVICE = 0, KIND_WORK = 1;
    static final int STATE_RUNNING = 0, STATE_RUNNABLE = 1, STATE_SUSPENDED = 2, STATE_HELD = 4;
    static final int STATE_SUSPENDED_RUNNABLE = STATE_SUSPENDED | STATE_RUNNABLE;
    static final int STATE_NOT_HELD = ~STATE_HELD;
    static final int DATA_SIZE = 4, COUNT = 1000, RUNS = 200;

    interface Task {
        TaskControlBlock run(Packet packet);
    }

    static final class Scheduler {
        int queueCount = 0, holdCount = 0;
        final TaskControlBlock[] blocks = new TaskControlBlock[NUMBER_OF_IDS];
        TaskControlBlock list = null, currentTcb = null;
        int currentId = -1;

        void addIdleTask(int id, int priority, Packet queue, int count) {
            addRunningTask(id, priority, queue, new IdleTask(this, 1, count));
        }
        void addWorkerTask(int id, int priority, Packet queue) {
            addTask(id, priority, queue, new WorkerTask(this, ID_HANDLER_A, 0));
        }
        void addHandlerTask(int id, int priority, Packet queue) {
            addTask(id, priority, queue, new HandlerTask(this));
        }
        void addDeviceTask(int id, int priority, Packet queue) {
            addTask(id, priority, queue, new DeviceTask(this));
        }
        void addRunningTask(int id, int priority, Packet queue, Task task) {
            addTask(id, priority, queue, task);
            currentTcb.setRunning();
        }
        void addTask(int id, int priority, Packet queue, Task task) {
            currentTcb = new TaskControlBlock(list, id, priority, queue, task);
            list = currentTcb;
            blocks[id] = currentTcb;
        }
        void schedule() {
            currentTcb = list;
            while (currentTcb != null) {
                if (currentTcb.isHeldOrSuspended()) {
                    currentTcb = currentTcb.link;
                } else {
                    currentId = currentTcb.id;
                    currentTcb = currentTcb.run();
                }
            }
        }
        TaskControlBlock release(int id) {
            TaskControlBlock tcb = blocks[id];
            if (tcb == null) return tcb;
            tcb.markAsNotHeld();
            if (tcb.priority > currentTcb.priority) return tcb;
            return currentTcb;
        }
        TaskControlBlock holdCurrent() {
            holdCount += 1;
            currentTcb.markAsHeld();
            return currentTcb.link;
        }
        TaskControlBlock suspendCurrent() {
            currentTcb.markAsSuspended();
            return currentTcb;
        }
        TaskControlBlock queue(Packet packet) {
            TaskControlBlock t = blocks[packet.id];
            if (t == null) return t;
            queueCount += 1;
            packet.link = null;
            packet.id = currentId;
            return t.checkPriorityAdd(currentTcb, packet);
        }
    }

    static final class TaskControlBlock {
        final TaskControlBlock link;
        final int id, priority;
        Packet queue;
        final Task task;
        int state;

        TaskControlBlock(TaskControlBlock link, int id, int priority, Packet queue, Task task) {
            this.link = link;
            this.id = id;
            this.priority = priority;
            this.queue = queue;
            this.task = task;
            this.state = queue == null ? STATE_SUSPENDED : STATE_SUSPENDED_RUNNABLE;
        }
        void setRunning() { state = STATE_RUNNING; }
        void markAsNotHeld() { state = state & STATE_NOT_HELD; }
        void markAsHeld() { state = state | STATE_HELD; }
        boolean isHeldOrSuspended() { return (state & STATE_HELD) != 0 || state == STATE_SUSPENDED; }
        void markAsSuspended() { state = state | STATE_SUSPENDED; }
        void markAsRunnable() { state = state | STATE_RUNNABLE; }
        TaskControlBlock run() {
            Packet packet = null;
            if (state == STATE_SUSPENDED_RUNNABLE) {
                packet = queue;
                queue = packet.link;
                state = queue == null ? STATE_RUNNING : STATE_RUNNABLE;
            }
            return task.run(packet);
        }
        TaskControlBlock checkPriorityAdd(TaskControlBlock task, Packet packet) {
            if (queue == null) {
                queue = packet;
                markAsRunnable();
                if (priority > task.priority) return this;
            } else {
                queue = packet.addTo(queue);
            }
            return task;
        }
    }

    static final class IdleTask implements Task {
        final Scheduler scheduler;
        int v1, count;
        IdleTask(Scheduler scheduler, int v1, int count) {
            this.scheduler = scheduler;
            this.v1 = v1;
            this.count = count;
        }
        public TaskControlBlock run(Packet packet) {
            count -= 1;
            if (count == 0) return scheduler.holdCurrent();
            if ((v1 & 1) == 0) {
                v1 = v1 >> 1;
                return scheduler.release(ID_DEVICE_A);
            }
            v1 = (v1 >> 1) ^ 0xD008;
            return scheduler.release(ID_DEVICE_B);
        }
    }

    static final class DeviceTask implements Task {
        final Scheduler scheduler;
        Packet v1 = null;
        DeviceTask(Scheduler scheduler) { this.scheduler = scheduler; }
        public TaskControlBlock run(Packet packet) {
            if (packet == null) {
                if (v1 == null) return scheduler.suspendCurrent();
                Packet v = v1;
                v1 = null;
                return scheduler.queue(v);
            }
            v1 = packet;
            return scheduler.holdCurrent();
        }
    }

    static final class WorkerTask implements Task {
        final Scheduler scheduler;
        int v1, v2;
        WorkerTask(Scheduler scheduler, int v1, int v2) {
            this.scheduler = scheduler;
            this.v1 = v1;
            this.v2 = v2;
        }
        public TaskControlBlock run(Packet packet) {
            if (packet == null) return scheduler.suspendCurrent();
            v1 = v1 == ID_HANDLER_A ? ID_HANDLER_B : ID_HANDLER_A;
            packet.id = v1;
            packet.a1 = 0;
            for (int i = 0; i < DATA_SIZE; i++) {
                v2 += 1;
                if (v2 > 26) v2 = 1;
                packet.a2[i] = v2;
            }
            return scheduler.queue(packet);
        }
    }

    static final class HandlerTask implements Task {
        final Scheduler scheduler;
        Packet v1 = null, v2 = null;
        HandlerTask(Scheduler scheduler) { this.scheduler = scheduler; }
        public TaskControlBlock run(Packet packet) {
            if (packet != null) {
                if (packet.kind == KIND_WORK) v1 = packet.addTo(v1);
                else v2 = packet.addTo(v2);
            }
            if (v1 != null) {
                int count = v1.a1;
                if (count < DATA_SIZE) {
                    if (v2 != null) {
                        Packet v = v2;
                        v2 = v2.link;
                        v.a1 = v1.a2[count];
                        v1.a1 = count + 1;
                        return scheduler.queue(v);
                    }
                } else {
                    Packet v = v1;
                    v1 = v1.link;
                    return scheduler.queue(v);
                }
            }
            return scheduler.suspendCurrent();
        }
    }

    static final class Packet {
        Packet link;
        int id, kind, a1 = 0;
        final int[] a2 = new int[DATA_SIZE];
        Packet(Packet link, int id, int kind) {
            this.link = link;
            this.id = id;
            this.kind = kind;
        }
        Packet addTo(Packet queue) {
            link = null;
            if (queue == null) return this;
            Packet next = queue;
            Packet peek = next.link;
            while (peek != null) {
                next = peek;
                peek = next.link;
            }
            next.link = this;
            return queue;
        }
    }

    static Scheduler runRichards() {
        Scheduler scheduler = new Scheduler();
        scheduler.addIdleTask(ID_IDLE, 0, null, COUNT);
        Packet queue = new Packet(null, ID_WORKER, KIND_WORK);
        queue = new Packet(queue, ID_WORKER, KIND_WORK);
        scheduler.addWorkerTask(ID_WORKER, 1000, queue);
        queue = new Packet(null, ID_DEVICE_A, KIND_DEVICE);
        queue = new Packet(queue, ID_DEVICE_A, KIND_DEVICE);
        queue = new Packet(queue, ID_DEVICE_A, KIND_DEVICE);
        scheduler.addHandlerTask(ID_HANDLER_A, 2000, queue);
        queue = new Packet(null, ID_DEVICE_B, KIND_DEVICE);
        queue = new Packet(queue, ID_DEVICE_B, KIND_DEVICE);
        queue = new Packet(queue, ID_DEVICE_B, KIND_DEVICE);
        scheduler.addHandlerTask(ID_HANDLER_B, 3000, queue);
        scheduler.addDeviceTask(ID_DEVICE_A, 4000, null);
        scheduler.addDeviceTask(ID_DEVICE_B, 5000, null);
        scheduler.schedule();
        return scheduler;
    }

    public static void main(String[] args) {
        long totalQueue = 0, totalHold = 0, ok = 0;
        for (int i = 0; i < RUNS; i++) {
            Scheduler s = runRichards();
            totalQueue += s.queueCount;
            totalHold += s.holdCount;
            if (s.queueCount == 2322 && s.holdCount == 928) ok += 1;
        }
        System.out.println("runs ok: " + ok + " of " + RUNS);
        System.out.println("queue count: " + totalQueue + ", hold count: " + totalHold);
    }
}
