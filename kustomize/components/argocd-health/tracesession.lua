-- Argo CD health of a retina.sh TraceSession: Healthy once it completed (or, without a duration, while its flow
-- log runs), Progressing while Pending/Running, Degraded when it is invalid (the message names each field) or Failed.
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
if conditions.Stalled ~= nil and conditions.Stalled.status == "True" then
  return { status = "Degraded", message = message(conditions.Stalled) }
end
if obj.status.phase == "Failed" then
  return { status = "Degraded", message = "phase is Failed" }
end
if conditions.Ready ~= nil and conditions.Ready.status == "True" then
  return { status = "Healthy", message = message(conditions.Ready) }
end
if conditions.Reconciling ~= nil and conditions.Reconciling.status == "True" then
  return { status = "Progressing", message = message(conditions.Reconciling) }
end
return { status = "Progressing", message = "waiting for the controller to accept the spec" }
