-- Argo CD health of a retina.sh MetricsConfiguration: Healthy once every node runs this generation,
-- Progressing while nodes are pending, Degraded when invalid or over the sources cap (state Errored).
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
if (conditions.Stalled ~= nil and conditions.Stalled.status == "True") or obj.status.state == "Errored" then
  return { status = "Degraded", message = message(conditions.Stalled or conditions.Accepted or {}) }
end
if conditions.Ready ~= nil and conditions.Ready.status == "True" then
  return { status = "Healthy", message = message(conditions.Ready) }
end
return { status = "Progressing", message = message(conditions.Reconciling or conditions.Applied or {}) }
