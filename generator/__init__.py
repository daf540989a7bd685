"""The generator behind codegen.py, one module per stage, each importing only those above it:

openapi_parser  openapi-python-client behind one door (the only module importing it)
spec            load the document and resolve references (raw mapping + parser's view)
typemap         Python annotations, readers and writers of parsed properties
names           wire names to Python names, in identifiers and in prose
parameters      each route's inputs: parameters, body fields, option dicts
credentials     credential kinds, and which of them each operation accepts
operations      routes, SDK methods (x-sdk) and resource namespaces
models          model and enum views
voice           descriptions in Python's words
context         the typed Context the templates render with
readme          the README's credential matrix, from the context
render          templates + context -> files, formatted; runtime modules copied
write           into generated/, only what changed
"""
