-- LuaJIT variant of ../lua/richards.lua: the same program, with LuaJIT's bit library
-- and math.floor for the Lua 5.3+ operators (bitwise ops, //) it lacks.
-- richards: Martin Richards' OS task-dispatcher simulation, after the V8
-- benchmark suite's richards.js (objects, method calls, field access, linked
-- lists, bit operations). Size: 200 runs with COUNT = 1000 idle-task ticks;
-- each run must give queue_count 2322 and hold_count 928.
-- Task ids index `blocks` from 0, as in the Cairn program (blocks[id + 1]).

local ID_IDLE = 0
local ID_WORKER = 1
local ID_HANDLER_A = 2
local ID_HANDLER_B = 3
local ID_DEVICE_A = 4
local ID_DEVICE_B = 5
local NUMBER_OF_IDS = 6

local KIND_DEVICE = 0
local KIND_WORK = 1

local STATE_RUNNING = 0
local STATE_RUNNABLE = 1
local STATE_SUSPENDED = 2
local STATE_HELD = 4
local STATE_SUSPENDED_RUNNABLE = bit.bor(STATE_SUSPENDED, STATE_RUNNABLE)
local STATE_NOT_HELD = bit.bnot(STATE_HELD)

local DATA_SIZE = 4
local COUNT = 1000
local RUNS = 200

local Scheduler = {}
Scheduler.__index = Scheduler
local TaskControlBlock = {}
TaskControlBlock.__index = TaskControlBlock
local IdleTask = {}
IdleTask.__index = IdleTask
local DeviceTask = {}
DeviceTask.__index = DeviceTask
local WorkerTask = {}
WorkerTask.__index = WorkerTask
local HandlerTask = {}
HandlerTask.__index = HandlerTask
local Packet = {}
Packet.__index = Packet

-- Scheduler ------------------------------------------------------------------

function Scheduler.new()
  local self = setmetatable({}, Scheduler)
  self.queue_count = 0
  self.hold_count = 0
  self.blocks = {}
  for i = 1, NUMBER_OF_IDS do self.blocks[i] = false end
  self.list = nil
  self.current_tcb = nil
  self.current_id = nil
  return self
end

function Scheduler:add_idle_task(id, priority, queue, count)
  self:add_running_task(id, priority, queue, IdleTask.new(self, 1, count))
end

function Scheduler:add_worker_task(id, priority, queue)
  self:add_task(id, priority, queue, WorkerTask.new(self, ID_HANDLER_A, 0))
end

function Scheduler:add_handler_task(id, priority, queue)
  self:add_task(id, priority, queue, HandlerTask.new(self))
end

function Scheduler:add_device_task(id, priority, queue)
  self:add_task(id, priority, queue, DeviceTask.new(self))
end

function Scheduler:add_running_task(id, priority, queue, task)
  self:add_task(id, priority, queue, task)
  self.current_tcb:set_running()
end

function Scheduler:add_task(id, priority, queue, task)
  self.current_tcb = TaskControlBlock.new(self.list, id, priority, queue, task)
  self.list = self.current_tcb
  self.blocks[id + 1] = self.current_tcb
end

function Scheduler:schedule()
  self.current_tcb = self.list
  while self.current_tcb ~= nil do
    if self.current_tcb:is_held_or_suspended() then
      self.current_tcb = self.current_tcb.link
    else
      self.current_id = self.current_tcb.id
      self.current_tcb = self.current_tcb:run()
    end
  end
end

function Scheduler:release(id)
  local tcb = self.blocks[id + 1]
  if not tcb then return nil end
  tcb:mark_as_not_held()
  if tcb.priority > self.current_tcb.priority then return tcb end
  return self.current_tcb
end

function Scheduler:hold_current()
  self.hold_count = self.hold_count + 1
  self.current_tcb:mark_as_held()
  return self.current_tcb.link
end

function Scheduler:suspend_current()
  self.current_tcb:mark_as_suspended()
  return self.current_tcb
end

function Scheduler:queue(packet)
  local t = self.blocks[packet.id + 1]
  if not t then return nil end
  self.queue_count = self.queue_count + 1
  packet.link = nil
  packet.id = self.current_id
  return t:check_priority_add(self.current_tcb, packet)
end

-- TaskControlBlock -----------------------------------------------------------

function TaskControlBlock.new(link, id, priority, queue, task)
  local self = setmetatable({}, TaskControlBlock)
  self.link = link
  self.id = id
  self.priority = priority
  self.queue = queue
  self.task = task
  if queue == nil then
    self.state = STATE_SUSPENDED
  else
    self.state = STATE_SUSPENDED_RUNNABLE
  end
  return self
end

function TaskControlBlock:set_running() self.state = STATE_RUNNING end
function TaskControlBlock:mark_as_not_held() self.state = bit.band(self.state, STATE_NOT_HELD) end
function TaskControlBlock:mark_as_held() self.state = bit.bor(self.state, STATE_HELD) end
function TaskControlBlock:is_held_or_suspended()
  return bit.band(self.state, STATE_HELD) ~= 0 or self.state == STATE_SUSPENDED
end
function TaskControlBlock:mark_as_suspended() self.state = bit.bor(self.state, STATE_SUSPENDED) end
function TaskControlBlock:mark_as_runnable() self.state = bit.bor(self.state, STATE_RUNNABLE) end

function TaskControlBlock:run()
  local packet = nil
  if self.state == STATE_SUSPENDED_RUNNABLE then
    packet = self.queue
    self.queue = packet.link
    if self.queue == nil then
      self.state = STATE_RUNNING
    else
      self.state = STATE_RUNNABLE
    end
  end
  return self.task:run(packet)
end

function TaskControlBlock:check_priority_add(task, packet)
  if self.queue == nil then
    self.queue = packet
    self:mark_as_runnable()
    if self.priority > task.priority then return self end
  else
    self.queue = packet:add_to(self.queue)
  end
  return task
end

-- Tasks ----------------------------------------------------------------------

function IdleTask.new(scheduler, v1, count)
  local self = setmetatable({}, IdleTask)
  self.scheduler = scheduler
  self.v1 = v1
  self.count = count
  return self
end

function IdleTask:run(packet)
  self.count = self.count - 1
  if self.count == 0 then return self.scheduler:hold_current() end
  if bit.band(self.v1, 1) == 0 then
    self.v1 = bit.rshift(self.v1, 1)
    return self.scheduler:release(ID_DEVICE_A)
  end
  self.v1 = bit.bxor(bit.rshift(self.v1, 1), 0xD008)
  return self.scheduler:release(ID_DEVICE_B)
end

function DeviceTask.new(scheduler)
  local self = setmetatable({}, DeviceTask)
  self.scheduler = scheduler
  self.v1 = nil
  return self
end

function DeviceTask:run(packet)
  if packet == nil then
    if self.v1 == nil then return self.scheduler:suspend_current() end
    local v = self.v1
    self.v1 = nil
    return self.scheduler:queue(v)
  end
  self.v1 = packet
  return self.scheduler:hold_current()
end

function WorkerTask.new(scheduler, v1, v2)
  local self = setmetatable({}, WorkerTask)
  self.scheduler = scheduler
  self.v1 = v1
  self.v2 = v2
  return self
end

function WorkerTask:run(packet)
  if packet == nil then return self.scheduler:suspend_current() end
  if self.v1 == ID_HANDLER_A then
    self.v1 = ID_HANDLER_B
  else
    self.v1 = ID_HANDLER_A
  end
  packet.id = self.v1
  packet.a1 = 0
  for i = 1, DATA_SIZE do
    self.v2 = self.v2 + 1
    if self.v2 > 26 then self.v2 = 1 end
    packet.a2[i] = self.v2
  end
  return self.scheduler:queue(packet)
end

function HandlerTask.new(scheduler)
  local self = setmetatable({}, HandlerTask)
  self.scheduler = scheduler
  self.v1 = nil
  self.v2 = nil
  return self
end

function HandlerTask:run(packet)
  if packet ~= nil then
    if packet.kind == KIND_WORK then
      self.v1 = packet:add_to(self.v1)
    else
      self.v2 = packet:add_to(self.v2)
    end
  end
  if self.v1 ~= nil then
    local count = self.v1.a1
    if count < DATA_SIZE then
      if self.v2 ~= nil then
        local v = self.v2
        self.v2 = self.v2.link
        v.a1 = self.v1.a2[count + 1]
        self.v1.a1 = count + 1
        return self.scheduler:queue(v)
      end
    else
      local v = self.v1
      self.v1 = self.v1.link
      return self.scheduler:queue(v)
    end
  end
  return self.scheduler:suspend_current()
end

-- Packet ---------------------------------------------------------------------

function Packet.new(link, id, kind)
  local self = setmetatable({}, Packet)
  self.link = link
  self.id = id
  self.kind = kind
  self.a1 = 0
  self.a2 = {}
  for i = 1, DATA_SIZE do self.a2[i] = 0 end
  return self
end

function Packet:add_to(queue)
  self.link = nil
  if queue == nil then return self end
  local next = queue
  local peek = next.link
  while peek ~= nil do
    next = peek
    peek = next.link
  end
  next.link = self
  return queue
end

-- Main -----------------------------------------------------------------------

local function run_richards()
  local scheduler = Scheduler.new()
  scheduler:add_idle_task(ID_IDLE, 0, nil, COUNT)

  local queue = Packet.new(nil, ID_WORKER, KIND_WORK)
  queue = Packet.new(queue, ID_WORKER, KIND_WORK)
  scheduler:add_worker_task(ID_WORKER, 1000, queue)

  queue = Packet.new(nil, ID_DEVICE_A, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_A, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_A, KIND_DEVICE)
  scheduler:add_handler_task(ID_HANDLER_A, 2000, queue)

  queue = Packet.new(nil, ID_DEVICE_B, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_B, KIND_DEVICE)
  queue = Packet.new(queue, ID_DEVICE_B, KIND_DEVICE)
  scheduler:add_handler_task(ID_HANDLER_B, 3000, queue)

  scheduler:add_device_task(ID_DEVICE_A, 4000, nil)
  scheduler:add_device_task(ID_DEVICE_B, 5000, nil)

  scheduler:schedule()
  return scheduler
end

local total_queue, total_hold, ok = 0, 0, 0
for i = 1, RUNS do
  local s = run_richards()
  total_queue = total_queue + s.queue_count
  total_hold = total_hold + s.hold_count
  if s.queue_count == 2322 and s.hold_count == 928 then ok = ok + 1 end
end
print(string.format("runs ok: %d of %d", ok, RUNS))
print(string.format("queue count: %d, hold count: %d", total_queue, total_hold))
