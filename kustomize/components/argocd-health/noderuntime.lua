-- Argo CD health of a retina.sh NodeRuntime: Healthy when the node runtime reports it runs the spec,
-- Degraded when a requested plugin does not run (the Degraded condition names each one).
-- A spec change the controller has not seen yet: whatever the conditions say is about the old spec.
if obj.status == nil or obj.status.observedGeneration == nil then
  return { status = "Progressing", message = "waiting for the controller to report status" }
end
if obj.metadata.generation ~= nil and obj.status.observedGeneration ~= obj.metadata.generation then
  return { status = "Progressing", message = "waiting for the controller to observe generation " .. obj.metadata.generation }
end
local conditions = {}
for _, c in ipairs(obj.status.conditions or {}) do
  conditions[c.type] = c
end
local function message(c)
  return (c.reason or "") .. ": " .. (c.message or "")
end
if conditions.Degraded ~= nil and conditions.Degraded.status == "True" then
  return { status = "Degraded", message = message(conditions.Degraded) }
end
if conditions.Ready ~= nil and conditions.Ready.status == "True" then
  return { status = "Healthy", message = message(conditions.Ready) }
end
return { status = "Progressing", message = "waiting for the node runtime" }
