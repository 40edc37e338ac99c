-- method_call: the classic method-call benchmark (Toggle / NthToggle).
-- Dynamic dispatch of small methods, including an overriding method in a
-- subclass and a call to the superclass constructor. Size: n = 500,000 outer
-- iterations, ten activate():value() pairs each, for both classes (20 million calls).
local Toggle = {}
Toggle.__index = Toggle

function Toggle.new(start_state)
  local self = setmetatable({}, Toggle)
  self.state = start_state
  return self
end

function Toggle:value()
  return self.state
end

function Toggle:activate()
  self.state = not self.state
  return self
end

local NthToggle = setmetatable({}, { __index = Toggle })
NthToggle.__index = NthToggle

function NthToggle.new(start_state, max_counter)
  local self = Toggle.new(start_state)
  setmetatable(self, NthToggle)
  self.count_max = max_counter
  self.counter = 0
  return self
end

function NthToggle:activate()
  self.counter = self.counter + 1
  if self.counter >= self.count_max then
    self.state = not self.state
    self.counter = 0
  end
  return self
end

local n = 500000
local val = true
local toggle = Toggle.new(val)
local trues = 0
for i = 0, n - 1 do
  val = toggle:activate():value()
  val = toggle:activate():value()
  val = toggle:activate():value()
  val = toggle:activate():value()
  val = toggle:activate():value()
  val = toggle:activate():value()
  val = toggle:activate():value()
  val = toggle:activate():value()
  val = toggle:activate():value()
  val = toggle:activate():value()
  if val then trues = trues + 1 end
end
print(tostring(toggle:value()) .. " " .. trues)

val = true
local ntoggle = NthToggle.new(val, 3)
trues = 0
for i = 0, n - 1 do
  val = ntoggle:activate():value()
  val = ntoggle:activate():value()
  val = ntoggle:activate():value()
  val = ntoggle:activate():value()
  val = ntoggle:activate():value()
  val = ntoggle:activate():value()
  val = ntoggle:activate():value()
  val = ntoggle:activate():value()
  val = ntoggle:activate():value()
  val = ntoggle:activate():value()
  if val then trues = trues + 1 end
end
print(tostring(ntoggle:value()) .. " " .. trues)
