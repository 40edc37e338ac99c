# richards: Martin Richards' OS task-dispatcher simulation, after the V8
# benchmark suite's richards.js (objects, method calls, field access, linked
# lists, bit operations). Size: 200 runs with COUNT = 1000 idle-task ticks.
ID_IDLE = 0
ID_WORKER = 1
ID_HANDLER_A = 2
ID_HANDLER_B = 3
ID_DEVICE_A = 4
ID_DEVICE_B = 5
NUMBER_OF_IDS = 6
KIND_DEVICE = 0
KIND_WORK = 1
STATE_RUNNING = 0
STATE_RUNNABLE = 1
STATE_SUSPENDED = 2
STATE_HELD = 4
STATE_SUSPENDED_RUNNABLE = STATE_SUSPENDED | STATE_RUNNABLE
STATE_NOT_HELD = ~STATE_HELD
DATA_SIZE = 4
COUNT = 1000
RUNS = 200

class Scheduler
  attr_reader :queue_count, :hold_count

  def initialize
    @queue_count = 0
    @hold_count = 0
    @blocks = Array.new(NUMBER_OF_IDS)
    @list = nil
    @current_tcb = nil
    @current_id = nil
  end

  def add_idle_task(id, priority, queue, count)
    add_running_task(id, priority, queue, IdleTask.new(self, 1, count))
  end

  def add_worker_task(id, priority, queue)
    add_task(id, priority, queue, WorkerTask.new(self, ID_HANDLER_A, 0))
  end

  def add_handler_task(id, priority, queue)
    add_task(id, priority, queue, HandlerTask.new(self))
  end

  def add_device_task(id, priority, queue)
    add_task(id, priority, queue, DeviceTask.new(self))
  end

  def add_running_task(id, priority, queue, task)
    add_task(id, priority, queue, task)
    @current_tcb.set_running
  end

  def add_task(id, priority, queue, task)
    @current_tcb = TaskControlBlock.new(@list, id, priority, queue, task)
    @list = @current_tcb
    @blocks[id] = @current_tcb
  end

  def schedule
    @current_tcb = @list
    until @current_tcb.nil?
      if @current_tcb.held_or_suspended?
        @current_tcb = @current_tcb.link
      else
        @current_id = @current_tcb.id
        @current_tcb = @current_tcb.run
      end
    end
  end

  def release(id)
    tcb = @blocks[id]
    return tcb if tcb.nil?
    tcb.mark_as_not_held
    return tcb if tcb.priority > @current_tcb.priority
    @current_tcb
  end

  def hold_current
    @hold_count += 1
    @current_tcb.mark_as_held
    @current_tcb.link
  end

  def suspend_current
    @current_tcb.mark_as_suspended
    @current_tcb
  end

  def queue(packet)
    t = @blocks[packet.id]
    return t if t.nil?
    @queue_count += 1
    packet.link = nil
    packet.id = @current_id
    t.check_priority_add(@current_tcb, packet)
  end
end

class TaskControlBlock
  attr_reader :link, :id, :priority

  def initialize(link, id, priority, queue, task)
    @link = link
    @id = id
    @priority = priority
    @queue = queue
    @task = task
    @state = queue.nil? ? STATE_SUSPENDED : STATE_SUSPENDED_RUNNABLE
  end

  def set_running
    @state = STATE_RUNNING
  end

  def mark_as_not_held
    @state = @state & STATE_NOT_HELD
  end

  def mark_as_held
    @state = @state | STATE_HELD
  end

  def held_or_suspended?
    (@state & STATE_HELD) != 0 || @state == STATE_SUSPENDED
  end

  def mark_as_suspended
    @state = @state | STATE_SUSPENDED
  end

  def mark_as_runnable
    @state = @state | STATE_RUNNABLE
  end

  def run
    packet = nil
    if @state == STATE_SUSPENDED_RUNNABLE
      packet = @queue
      @queue = packet.link
      @state = @queue.nil? ? STATE_RUNNING : STATE_RUNNABLE
    end
    @task.run(packet)
  end

  def check_priority_add(task, packet)
    if @queue.nil?
      @queue = packet
      mark_as_runnable
      return self if @priority > task.priority
    else
      @queue = packet.add_to(@queue)
    end
    task
  end
end

class IdleTask
  def initialize(scheduler, v1, count)
    @scheduler = scheduler
    @v1 = v1
    @count = count
  end

  def run(_packet)
    @count -= 1
    return @scheduler.hold_current if @count == 0
    if (@v1 & 1) == 0
      @v1 = @v1 >> 1
      return @scheduler.release(ID_DEVICE_A)
    end
    @v1 = (@v1 >> 1) ^ 0xD008
    @scheduler.release(ID_DEVICE_B)
  end
end

class DeviceTask
  def initialize(scheduler)
    @scheduler = scheduler
    @v1 = nil
  end

  def run(packet)
    if packet.nil?
      return @scheduler.suspend_current if @v1.nil?
      v = @v1
      @v1 = nil
      return @scheduler.queue(v)
    end
    @v1 = packet
    @scheduler.hold_current
  end
end

class WorkerTask
  def initialize(scheduler, v1, v2)
    @scheduler = scheduler
    @v1 = v1
    @v2 = v2
  end

  def run(packet)
    return @scheduler.suspend_current if packet.nil?
    @v1 = @v1 == ID_HANDLER_A ? ID_HANDLER_B : ID_HANDLER_A
    packet.id = @v1
    packet.a1 = 0
    DATA_SIZE.times do |i|
      @v2 += 1
      @v2 = 1 if @v2 > 26
      packet.a2[i] = @v2
    end
    @scheduler.queue(packet)
  end
end

class HandlerTask
  def initialize(scheduler)
    @scheduler = scheduler
    @v1 = nil
    @v2 = nil
  end

  def run(packet)
    unless packet.nil?
      if packet.kind == KIND_WORK
        @v1 = packet.add_to(@v1)
      else
        @v2 = packet.add_to(@v2)
      end
    end
    unless @v1.nil?
      count = @v1.a1
      if count < DATA_SIZE
        unless @v2.nil?
          v = @v2
          @v2 = @v2.link
          v.a1 = @v1.a2[count]
          @v1.a1 = count + 1
          return @scheduler.queue(v)
        end
      else
        v = @v1
        @v1 = @v1.link
        return @scheduler.queue(v)
      end
    end
    @scheduler.suspend_current
  end
end

class Packet
  attr_accessor :link, :id, :kind, :a1, :a2

  def initialize(link, id, kind)
    @link = link
    @id = id
    @kind = kind
    @a1 = 0
    @a2 = Array.new(DATA_SIZE, 0)
  end

  def add_to(queue)
    @link = nil
    return self if queue.nil?
    nxt = queue
    peek = nxt.link
    until peek.nil?
      nxt = peek
      peek = nxt.link
    end
    nxt.link = self
    queue
  end
end

def run_richards
  scheduler = Scheduler.new
  scheduler.add_idle_task(ID_IDLE, 0, nil, COUNT)
  queue = Packet.new(nil, ID_WORKER, KIND_WORK)
  queue = Packet.new(queue, ID_WORKER, KIND_WORK)
  scheduler.add_worker_task(ID_WORKER, 1000, queue)
  queue = Packet.new(nil, ID_DEVICE_A, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_A, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_A, KIND_DEVICE)
  scheduler.add_handler_task(ID_HANDLER_A, 2000, queue)
  queue = Packet.new(nil, ID_DEVICE_B, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_B, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_B, KIND_DEVICE)
  scheduler.add_handler_task(ID_HANDLER_B, 3000, queue)
  scheduler.add_device_task(ID_DEVICE_A, 4000, nil)
  scheduler.add_device_task(ID_DEVICE_B, 5000, nil)
  scheduler.schedule
  scheduler
end

total_queue = 0
total_hold = 0
ok = 0
RUNS.times do
  s = run_richards
  total_queue += s.queue_count
  total_hold += s.hold_count
  ok += 1 if s.queue_count == 2322 && s.hold_count == 928
end
puts "runs ok: #{ok} of #{RUNS}"
puts "queue count: #{total_queue}, hold count: #{total_hold}"
