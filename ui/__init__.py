"""The Streamlit side of Backprop Lab, one folder a job (engine/ is the NumPy side, app_pages/ the pages).

Each page reads like a recipe: its setup's settings -> the engine -> the live view.  Imports go downwards:

    setups/    each page's settings, data and live task (the playground, MNIST, the CNN, the regressions, the
               convolutions page's settings); the pages' guided experiments (experiments);
               setups never import each other
    settings/  a page's settings as a form (form), the ones several pages offer declared once (shared), their
               widgets bound to the URL (widgets); lesson links (lesson); what every page offers beside its
               settings: reset to defaults, experiments, the lesson maker (tools); the theme and the
               projector view (view, theme); the learning-rate hint
    live/      the live canvas on a page (canvas), the harness that trains and snapshots (harness), binary frames,
               the pace shared by a server's learners, what the canvas shows of a network or of digits
    inputs/    what a learner brings: CSV data, images, drawn digits, weights and MNIST files; decoded in a child
               process under limits (sandbox), once per content
    charts/    plotly figures for paused and static views (plots, images), feature maps within the budget
    export/    what a learner takes home: the run as a script, its history, the download buttons
    shell/     the server process: start-up, sessions, what one action may allocate (cost), what the learners'
               networks may hold together (memory), the page's error boundary, plain text, the code views
"""
