# method_call: the classic method-call benchmark (Toggle / NthToggle).
# Dynamic dispatch, an overriding method and super. Size: 20 million calls.
class Toggle
  def initialize(start_state)
    @state = start_state
  end

  def value
    @state
  end

  def activate
    @state = !@state
    self
  end
end

class NthToggle < Toggle
  def initialize(start_state, max_counter)
    super(start_state)
    @count_max = max_counter
    @counter = 0
  end

  def activate
    @counter += 1
    if @counter >= @count_max
      @state = !@state
      @counter = 0
    end
    self
  end
end

n = 500_000
val = true
toggle = Toggle.new(val)
trues = 0
n.times do
  val = toggle.activate.value
  val = toggle.activate.value
  val = toggle.activate.value
  val = toggle.activate.value
  val = toggle.activate.value
  val = toggle.activate.value
  val = toggle.activate.value
  val = toggle.activate.value
  val = toggle.activate.value
  val = toggle.activate.value
  trues += 1 if val
end
puts "#{toggle.value} #{trues}"

val = true
ntoggle = NthToggle.new(val, 3)
trues = 0
n.times do
  val = ntoggle.activate.value
  val = ntoggle.activate.value
  val = ntoggle.activate.value
  val = ntoggle.activate.value
  val = ntoggle.activate.value
  val = ntoggle.activate.value
  val = ntoggle.activate.value
  val = ntoggle.activate.value
  val = ntoggle.activate.value
  val = ntoggle.activate.value
  trues += 1 if val
end
puts "#{ntoggle.value} #{trues}"
