"""The generator behind codegen.py, one module per stage:

spec         load the document and resolve references (raw mapping + parser's view)
typemap      Python annotations, readers and writers of parsed properties
names        wire names to Python names
parameters   each route's inputs: parameters, body fields, option dicts
operations   routes, SDK methods (x-sdk) and resource namespaces
credentials  credential kinds, per-operation acceptance, the README matrix
models       model and enum views
context      the typed Context the templates render with
render       templates + context -> files, formatted; runtime modules copied
write        into generated/, only what changed
"""
